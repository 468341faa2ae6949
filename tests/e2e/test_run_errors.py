"""`hemei run` and the configuration: every mistake is a message and exit status 2, never a traceback or the token."""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.emulator import FakeBotApi
from bot.logs import RedactTokens
from bot.processes import BotProcess, write_config

REVOKED = "987654321:AAHrevokedTOKENthatTelegramNoLongerKnows"


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    emulator = FakeBotApi()
    await emulator.start()
    yield emulator
    await emulator.stop()


async def test_a_rejected_token_is_named_without_printing_it_and_exits_2(api: FakeBotApi, tmp_path: Path,
                                                                         db_url: str) -> None:
    config = write_config(tmp_path, api, db_url)
    config.write_text(config.read_text(encoding="utf-8").replace(api.token, REVOKED), encoding="utf-8")
    bot = BotProcess(config)

    await bot.start()
    status = await bot.wait(within=60)
    output = bot.log.read_text(encoding="utf-8")

    assert status == 2, output
    assert "Telegram rejected the bot token" in output
    assert REVOKED.split(":")[1] not in output
    assert "Traceback" not in output


def test_a_utf16_config_without_a_bom_is_a_message_and_exit_2(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.toml"
    config.write_bytes('[telegram]\nbot_username = "和美"\n'.encode("utf-16-le")[:-1])

    status = main(["jobs", "--config", str(config)])

    assert status == 2
    assert str(config) in capsys.readouterr().err


def test_malformed_json_in_a_variable_is_a_message_and_exit_2(monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HEMEI_SCHEDULES", "{monthly_digest = '0 9 1 * *'}")

    status = main(["jobs"])

    assert status == 2
    assert "HEMEI_SCHEDULES: not valid JSON" in capsys.readouterr().err


def test_a_misspelt_variable_is_warned_about(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HEMEI_TELEGRM__TOKEN", REVOKED)

    status = main(["run", "--config", str(write_empty(tmp_path))])
    error = capsys.readouterr().err

    assert status == 2  # the token it was meant to set is still empty
    assert "HEMEI_TELEGRM__TOKEN matches no setting; did you mean HEMEI_TELEGRAM__TOKEN?" in error
    assert REVOKED not in error


def write_empty(folder: Path) -> Path:
    path = folder / "config.toml"
    path.write_text("", encoding="utf-8")
    return path


def test_a_logged_traceback_does_not_quote_the_token() -> None:
    record = logging.LogRecord("telegram", logging.ERROR, __file__, 1, "start failed", None, None)
    try:
        raise ValueError(f"The token `{REVOKED}` was rejected by the server.")
    except ValueError:
        record.exc_info = sys.exc_info()

    RedactTokens().filter(record)
    logged = logging.Formatter().format(record)

    assert "was rejected by the server" in logged
    assert REVOKED not in logged
