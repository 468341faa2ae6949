"""The admin is warned at start when the official holidays of a year ahead are not known."""

from __future__ import annotations

import logging
from datetime import datetime

import pytest

from bot.emulator.harness import running_bot
from tests.conftest import SHANGHAI
from village.clock import ManualClock


async def test_start_warns_about_a_year_without_official_holidays(db_url: str,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    clock = ManualClock(datetime(2099, 12, 1, 9, 0, tzinfo=SHANGHAI))  # no package will know 2099 and 2100

    with caplog.at_level(logging.WARNING, logger="bot.app"):
        async with running_bot(db_url, clock=clock):
            pass

    warnings = [r.getMessage() for r in caplog.records if r.name == "bot.app" and r.levelno == logging.WARNING]
    assert any("official holidays of 2099, 2100 are not known" in w for w in warnings)
