"""Configuration mistakes people make: Notepad's encodings, bad JSON in a variable, a misspelt variable,
webhook mode without a secret. Each gets a message naming the key; nothing starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Config, ConfigError, load_config
from bot.environment import unknown_variables

SECRET = "s" * 32


def write(path: Path, text: str, encoding: str) -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_a_config_saved_with_a_bom_by_notepad_loads(tmp_path: Path, encoding: str) -> None:
    path = write(tmp_path / "config.toml", '[telegram]\nbot_username = "和美_bot"\n', encoding)

    config = load_config(path, {})

    assert config.telegram.bot_username == "和美_bot"


def test_a_config_in_another_encoding_is_refused_with_a_message(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", '[telegram]\nbot_username = "和美"\n', "gb18030")

    with pytest.raises(ConfigError, match="not UTF-8 text"):
        load_config(path, {})


@pytest.mark.parametrize("variable", ["HEMEI_SCHEDULES", "HEMEI_TELEGRAM__WEBHOOK", "HEMEI_REPORTS",
                                      "HEMEI_TELEGRAM", "HEMEI_REPORTS__CATEGORIES"])
def test_malformed_json_in_a_variable_names_the_variable(variable: str) -> None:
    with pytest.raises(ConfigError, match=f"{variable}: not valid JSON"):
        load_config(None, {variable: "{monthly_digest: '0 9 1 * *'"})


def test_json_in_a_variable_still_overrides_a_table() -> None:
    config = load_config(None, {"HEMEI_REPORTS__CATEGORIES": '["垃圾", "道路"]', "hemei_locale": "en"})

    assert (config.reports.categories, config.locale) == (("垃圾", "道路"), "en")


def test_a_misspelt_variable_is_warned_about_with_the_likely_key() -> None:
    environ = {"HEMEI_TELEGRM__TOKEN": "1:x", "HEMEI_TELEGRAM__TOKEN": "1:x", "HEMEI_CONFIG": "c.toml",
               "HEMEI_TELEGRAM__WEBHOOK__SECRT": "x",
               "HEMEI_SCHEDULES__PRUNE_UPDATES": "0 3 * * *", "HEMEI_TELEGRAM__WEBHOOK__SECRET": SECRET,
               "hemei_quiet_hours__start": "22:00", "PATH": "/bin"}

    warnings = unknown_variables(environ, Config)

    assert warnings == ["warning: HEMEI_TELEGRAM__WEBHOOK__SECRT matches no setting; "
                        "did you mean HEMEI_TELEGRAM__WEBHOOK__SECRET?",
                        "warning: HEMEI_TELEGRM__TOKEN matches no setting; "
                        "did you mean HEMEI_TELEGRAM__TOKEN?"]


@pytest.mark.parametrize("secret", ["", "short", "x" * 31, "y" * 31 + " ", "z" * 257])
def test_webhook_mode_refuses_a_missing_or_weak_secret(secret: str) -> None:
    environ = {"HEMEI_TELEGRAM__MODE": "webhook", "HEMEI_TELEGRAM__WEBHOOK__SECRET": secret}

    with pytest.raises(ConfigError, match=r"webhook\.secret must be 32 to 256") as refused:
        load_config(None, environ)

    assert secret not in str(refused.value) or not secret


def test_webhook_mode_starts_with_a_long_secret_and_polling_needs_none() -> None:
    hooked = load_config(None, {"HEMEI_TELEGRAM__MODE": "webhook", "HEMEI_TELEGRAM__WEBHOOK__SECRET": SECRET})
    polling = load_config(None, {})

    assert (hooked.telegram.mode, polling.telegram.mode) == ("webhook", "polling")
