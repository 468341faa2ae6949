"""Configuration: the example file is valid and documents every key; overrides come from the given environment."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from bot.config import Config, ConfigError, load_config

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


def keys_of(model: type[BaseModel], prefix: str = "") -> set[str]:
    keys = set()
    for name, field in model.model_fields.items():
        kind = field.annotation
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            keys |= keys_of(kind, f"{prefix}{name}.")
        else:
            keys.add(f"{prefix}{name}")
    return keys


def flatten(table: dict[str, Any], prefix: str = "") -> set[str]:
    keys = set()
    for name, value in table.items():
        if isinstance(value, dict) and f"{prefix}{name}" not in ("schedules",):
            keys |= flatten(value, f"{prefix}{name}.") | {f"{prefix}{name}"}
        else:
            keys.add(f"{prefix}{name}")
    return keys


def test_the_example_config_loads() -> None:
    config = load_config(EXAMPLE, {})

    assert config.timezone.key == "Asia/Shanghai"


def test_the_example_config_documents_every_key() -> None:
    documented = flatten(tomllib.loads(EXAMPLE.read_text(encoding="utf-8")))

    missing = sorted(keys_of(Config) - documented)

    assert missing == []


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('locale = "en"\n[quiet_hours]\nstart = "22:00"\n', encoding="utf-8")

    config = load_config(path, {"HEMEI_QUIET_HOURS__START": "20:30", "HEMEI_TELEGRAM__TOKEN": "1:x"})

    assert (config.locale, config.quiet_hours.start.isoformat(), config.telegram.token.get_secret_value()) == (
        "en", "20:30:00", "1:x")


def test_hemei_config_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "elsewhere.toml"
    path.write_text('locale = "en"\n', encoding="utf-8")

    assert load_config(None, {"HEMEI_CONFIG": str(path)}).locale == "en"


def test_an_unknown_key_is_named(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[outbox]\nrate = 5\n", encoding="utf-8")

    with pytest.raises(ConfigError, match=r"outbox\.rate: Extra inputs are not permitted"):
        load_config(path, {})
