"""Configuration of the send budget: the budget by default, the fixed split on request, older configs explained."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_budget_is_the_default_and_ignores_nothing() -> None:
    config = load_config(None, {})

    assert (config.outbox.pacing, config.telegram.max_per_second, config.telegram.chat_per_second,
            config.telegram.chat_burst) == ("budget", 30, 1, 3)
    assert config.ignored_keys() == []


def test_an_older_configs_fixed_rate_is_accepted_and_named_as_ignored(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "[outbox]\nrate_per_second = 20\n"), {})

    assert config.outbox.pacing == "budget"
    assert config.ignored_keys() == [
        'outbox.rate_per_second is ignored: outbox.pacing = "budget" gives the outbox whatever replies leave of '
        'telegram.max_per_second; remove the key, or set outbox.pacing = "fixed" to keep a fixed rate']


def test_the_fixed_split_must_leave_room_for_replies(tmp_path: Path) -> None:
    path = write(tmp_path, '[telegram]\nmax_per_second = 30\n[outbox]\npacing = "fixed"\nrate_per_second = 30\n')

    with pytest.raises(ConfigError, match=r"outbox\.rate_per_second must stay below telegram\.max_per_second "
                                          r'with outbox\.pacing = "fixed"'):
        load_config(path, {})


def test_the_budget_takes_any_outbox_rate_as_it_ignores_it() -> None:
    config = load_config(None, {"HEMEI_OUTBOX__PACING": "budget", "HEMEI_OUTBOX__RATE_PER_SECOND": "300"})

    assert config.ignored_keys() == []  # pacing was chosen knowingly


@pytest.mark.parametrize(("key", "value", "message"), [
    ("HEMEI_OUTBOX__PACING", "smooth", r"outbox\.pacing"),
    ("HEMEI_TELEGRAM__CHAT_PER_SECOND", "0", r"telegram\.chat_per_second"),
    ("HEMEI_TELEGRAM__CHAT_BURST", "0", r"telegram\.chat_burst"),
])
def test_a_bad_budget_setting_is_named(key: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(None, {key: value})
