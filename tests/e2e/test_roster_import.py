"""A roster import while residents chat: their updates queue behind its write lock instead of failing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import storage.database
from bot.emulator.harness import Harness, running_bot
from storage.database import Database
from tests.e2e.conftest import ALICE
from tests.factories import OPERATOR, ROSTER, load_roster, roster_table
from village.clock import ManualClock
from village.roster.rows import ImportSummary, parse_rows
from village.services import Services
from village.settings import VillageSettings

NEWCOMERS = [["FX01", "和美村", "二网格", "三组", f"3-{n:04}", f"村民{n}", f"135{n:08}", ""] for n in range(2_000)]


@pytest.fixture
async def impatient_bot(db_url: str, database: Database, clock: ManualClock, tmp_path: Path,
                        monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Harness]:
    """The bot, with SQLite giving up each wait for the write lock after 50 ms instead of 10 s."""
    monkeypatch.setattr(storage.database, "BUSY_TIMEOUT_MS", 50)
    await load_roster(database, clock)
    async with running_bot(db_url, clock=clock, environ={"HEMEI_MEDIA__DIR": str(tmp_path / "media")}) as harness:
        yield harness


async def import_until_someone_waits(bot: Harness, database: Database, clock: ManualClock,
                                     importing: asyncio.Event, chat: asyncio.Future[object]) -> ImportSummary:
    """Import 2,000 newcomers, and keep the transaction open until the bot has queued for the lock."""
    rows = parse_rows(roster_table([*ROSTER, *NEWCOMERS]))
    async with database.transaction() as store:
        summary = await Services(store, clock, VillageSettings()).roster.import_rows(OPERATOR, rows)
        importing.set()
        while bot.runtime.database.lock_waits == 0 and not chat.done():  # noqa: ASYNC110 (a counter, no event)
            await asyncio.sleep(0.01)
    return summary


async def test_a_resident_writing_during_a_roster_import_gets_the_answer_after_it(
        impatient_bot: Harness, database: Database, clock: ManualClock) -> None:
    importing = asyncio.Event()

    async def resident_says_start() -> list[str]:
        await importing.wait()
        return [sent.text for sent in await impatient_bot.tg.user_says(ALICE, "/start")]

    chat = asyncio.ensure_future(resident_says_start())
    summary = await import_until_someone_waits(impatient_bot, database, clock, importing, chat)
    replies = await chat

    assert impatient_bot.runtime.database.lock_waits >= 1
    assert summary.added == len(NEWCOMERS)
    assert "请按下面的按钮分享您的手机号" in replies[-1]
