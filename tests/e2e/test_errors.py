"""Unexpected failures: the person gets an apology and the menu; the log has context but no secrets."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from bot.emulator.harness import Harness
from bot.logs import setup_logging
from tests.e2e.conftest import ALICE, OUTSIDER, join


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """Log as `hemei run` does, into a buffer; restore the root logger afterwards."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    buffer = io.StringIO()
    setup_logging("INFO", stream=buffer)
    yield buffer
    root.handlers[:], root.level = saved


async def break_table(bot: Harness, table: str) -> None:
    """Make a table vanish, as a damaged database would."""
    async with bot.runtime.database.connection() as connection:
        await connection.execute(text(f"ALTER TABLE {table} RENAME TO {table}_gone"))


async def test_a_failing_step_apologises_in_chinese_with_the_menu(bot: Harness, log_output: io.StringIO) -> None:
    await join(bot, ALICE)
    await break_table(bot, "households")

    replies = await bot.tg.user_taps(ALICE, "👤 我的信息")

    assert "抱歉，系统出了点问题" in replies[-1].text
    assert "📣 我要反映" in replies[-1].keyboard_labels
    assert "unexpected error while handling update" in log_output.getvalue()


async def test_when_even_the_apology_cannot_read_the_database_a_plain_one_is_sent(bot: Harness) -> None:
    await break_table(bot, "conversations")

    replies = await bot.tg.user_says(OUTSIDER, "/start")

    assert replies[-1].text.startswith("抱歉，系统出了点问题")


async def test_logs_carry_no_token_and_no_phone_number(bot: Harness, log_output: io.StringIO) -> None:
    await join(bot, ALICE)
    logging.getLogger("test").warning("contact %s via %s", "+8613800000001", f"{bot.api.base_url}{bot.api.token}")
    await break_table(bot, "people")
    await bot.tg.user_shares_contact(OUTSIDER, phone="+8613800000005")

    logged = log_output.getvalue()

    assert bot.api.token not in logged
    assert "13800000001" not in logged
    assert "13800000005" not in logged
    assert "***0001" in logged
