"""A webhook worker killed with updates posted and unanswered loses none: Telegram posts them again.

Real `hemei run --role worker` processes in webhook mode, posted to by the emulator as Telegram posts
(one update of a chat at a time, again after a failed post). The test holds the residents' steps up at
the database, so the kill finds every chat's update posted and unanswered and nothing committed; the
worker started next (its own address, which it registers) takes the re-posts. Every message is answered
exactly once, in full.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from bot.emulator import FakeBotApi
from bot.emulator.messages import user_message
from bot.processes import BotProcess, free_port, write_config
from storage.database import Database
from storage.tables import processed_updates
from tests.conftest import on_both_backends
from tests.e2e.conftest import emulator_posting_again_after
from tests.factories import bind_telegram, load_roster
from village.clock import ManualClock

pytestmark = on_both_backends

PHONES = ["13800000001", "13800000002", "13800000003", "13800000004", "13800000005"]
RESIDENTS = [4000 + n for n in range(len(PHONES))]
LATER = 3  # messages each resident sends while the worker is held up and killed
SECRET = "webhook-crash-secret-0123456789abcdef"


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with emulator_posting_again_after(0.2) as emulator:
        yield emulator


def worker(tmp_path: Path, api: FakeBotApi, db_url: str, name: str) -> BotProcess:
    port = free_port()
    config = write_config(tmp_path / name, api, db_url, log_level="INFO", telegram=['mode = "webhook"'], extra=[
        "[telegram.webhook]", 'listen = "127.0.0.1"', f"port = {port}", f'secret = "{SECRET}"',
        f'url = "http://127.0.0.1:{port}/telegram"'])
    return BotProcess(config, role="worker")


def say(api: FakeBotApi, resident: int, words: str) -> int:
    return api.push(user_message(api.new_message_id(), {"id": resident, "is_bot": False, "first_name": "R"},
                                 text=words))


@asynccontextmanager
async def steps_held_up(database: Database, backend: str) -> AsyncIterator[None]:
    """Hold every step up at its first write: SQLite's write lock, or PostgreSQL's lock on processed_updates."""
    if backend == "sqlite":
        async with database.transaction():
            yield
        return
    async with database.connection() as connection:
        await connection.execute(text("LOCK TABLE processed_updates IN SHARE MODE"))
        yield


async def held_up_in_a_step(database: Database, backend: str) -> None:
    """Wait until the worker's step waits for the lock (SQLite cannot tell: give the posts a moment to arrive)."""
    if backend == "sqlite":
        await asyncio.sleep(0.3)
        return
    waiting = text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                   "AND wait_event_type = 'Lock'")
    async with asyncio.timeout(30):
        while True:
            async with database.connection() as connection:
                if (await connection.execute(waiting)).scalar_one():
                    return
            await asyncio.sleep(0.05)


async def handled(database: Database, updates: list[int]) -> int:
    async with database.connection() as connection:
        query = select(func.count()).select_from(processed_updates).where(
            processed_updates.c.update_ref.in_([str(u) for u in updates]))
        return int((await connection.execute(query)).scalar_one())


async def test_a_worker_killed_with_updates_posted_loses_none_and_answers_each_once(
        api: FakeBotApi, database: Database, db_url: str, backend: str, clock: ManualClock, tmp_path: Path) -> None:
    first, second = worker(tmp_path, api, db_url, "w1"), worker(tmp_path, api, db_url, "w2")
    await first.prepare()
    await second.prepare()
    await load_roster(database, clock)
    for resident, phone in zip(RESIDENTS, PHONES, strict=True):
        await bind_telegram(database, clock, phone, resident)
    await first.start()
    await first.wait_for_log("is running")
    for resident in RESIDENTS:
        say(api, resident, "你好")
    await api.wait_until(lambda: not api.webhook.pending)
    per_answer = len(api.messages_to(RESIDENTS[0]))

    async with steps_held_up(database, backend):
        later = [say(api, resident, f"你好 {n}") for n in range(LATER) for resident in RESIDENTS]
        await held_up_in_a_step(database, backend)
        unanswered_at_kill = api.webhook.pending
        sent_at_kill = sum(len(api.messages_to(r)) for r in RESIDENTS)
        await first.kill()
    await second.start()
    await api.wait_until(lambda: not api.webhook.pending, within=60)
    await second.terminate()

    assert per_answer >= 1
    assert unanswered_at_kill == len(later)  # every one posted or waiting behind its chat's, none answered
    assert sent_at_kill == per_answer * len(RESIDENTS)
    assert [len(api.messages_to(r)) for r in RESIDENTS] == [per_answer * (1 + LATER)] * len(RESIDENTS)
    assert await handled(database, later) == len(later)
    failed = {p.update_id for p in api.webhook.posts if p.status != 200}
    assert failed  # the kill cut posts off (or found them refused), and Telegram posted them again
    assert failed <= set(later)
    taken = [p for p in api.webhook.posts if p.status == 200 and p.update_id in later]
    assert sorted(p.update_id for p in taken) == sorted(later)  # each taken once
    first_address = api.webhook.posts[0].url
    assert first_address not in {p.url for p in taken}  # by the second worker
