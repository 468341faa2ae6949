"""A joined resident's everyday updates: no SQL statement built after the first time, one transaction (issue 12).

Building a statement and its cache key costs SQLAlchemy more than running it on SQLite, so the statements
of every update are built once (with bound parameters) and reused as they are. A reply sent has its
journal row deleted by the next step's transaction, not by one of its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.sql.cache_key import HasCacheKey

import bot.direct_replies as bot_direct_replies
from bench.updates import push
from bot.emulator.harness import Harness, running_bot
from storage.database import Database
from storage.tables import outbox
from tests.conftest import on_both_backends
from tests.convention import add_convention
from tests.e2e.conftest import ALICE, join
from tests.e2e.convention_steps import publish_directly
from tests.factories import load_roster
from village.clock import ManualClock

STEPS = ("/menu", "/score", "📣 我要反映", "❌ 取消")


@pytest.fixture
async def bot(db_url: str, database: Database, clock: ManualClock, tmp_path: Path) -> AsyncIterator[Harness]:
    """The bot whose outbox looks for work only when woken: its polls build statements of their own."""
    await load_roster(database, clock)
    environ = {"HEMEI_MEDIA__DIR": str(tmp_path / "media"), "HEMEI_OUTBOX__POLL_SECONDS": "60"}
    async with running_bot(db_url, clock=clock, environ=environ) as harness:
        yield harness


@on_both_backends
async def test_menu_score_and_the_report_step_build_no_statement_the_second_time(
        bot: Harness, database: Database, clock: ManualClock, monkeypatch: pytest.MonkeyPatch) -> None:
    convention = await add_convention(database, clock)
    await publish_directly(database, clock, convention, "一组", {"1-01": {"垃圾分类": 20}})
    await join(bot, ALICE)
    for text in STEPS:  # the first time builds them
        await bot.tg.user_says(ALICE, text)
    built: list[str] = []
    generate = HasCacheKey._generate_cache_key

    def counted(self: HasCacheKey) -> object:
        built.append(str(self)[:80])
        return generate(self)

    monkeypatch.setattr(HasCacheKey, "_generate_cache_key", counted)
    before = len(bot.api.messages_to(ALICE.id))
    for text in STEPS:  # the update alone, as the benchmark sends it: not the outbox's work the driver waits for
        await bot.runtime.tracker.wait_for(push(bot.api, ALICE, text))
    answers = [m.text for m in bot.api.messages_to(ALICE.id)[before:]]

    assert answers[0] == answers[3] == "请选择您要办理的事项："
    assert "2026年11月：😐 平脸，80分（满分100）" in answers[2]  # the score, its result read
    assert answers[-1] == "已取消。"
    assert built == []


async def journalled(database: Database) -> int:
    async with database.connection() as connection:
        return int((await connection.execute(select(func.count()).select_from(outbox))).scalar_one())


async def test_a_sent_replys_journal_row_goes_with_the_next_step_and_the_rest_at_a_stop(
        bot: Harness, database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bot_direct_replies, "FORGET_AFTER_SECONDS", 60)
    await join(bot, ALICE)
    await bot.runtime.dispatcher.stop()  # its polls of the outbox commit too (one was counted under load)
    commits: list[object] = []
    event.listen(bot.runtime.database.engine.sync_engine, "commit", commits.append)

    for _ in range(3):
        await bot.runtime.tracker.wait_for(push(bot.api, ALICE, "/menu"))
    left, transactions = await journalled(database), len(commits)
    await bot.restart()

    assert [m.text for m in bot.api.messages_to(ALICE.id)][-3:] == ["请选择您要办理的事项："] * 3
    assert transactions == 3  # one transaction per update: none of its own to delete a reply's row
    assert left == 1  # the last reply's, until a next step or the stop
    assert await journalled(database) == 0


async def test_an_idle_worker_deletes_the_journal_of_replies_sent_soon(
        bot: Harness, database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bot_direct_replies, "FORGET_AFTER_SECONDS", 0.01)
    await join(bot, ALICE)

    await bot.runtime.tracker.wait_for(push(bot.api, ALICE, "/menu"))
    async with asyncio.timeout(10):
        while await journalled(database):  # noqa: ASYNC110 - the flush has no event to wait for
            await asyncio.sleep(0.01)

    assert [m.text for m in bot.api.messages_to(ALICE.id)][-1] == "请选择您要办理的事项："
