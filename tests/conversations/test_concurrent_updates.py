"""Two workers get a message and a button press of the same person at once: the conversation advances once per
update, in order, because the first update's identity upsert locks the person until its transaction ends."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.i18n import Catalogs
from handlers import registry
from handlers.engine import Engine
from storage.database import Database
from storage.store import SqlStore
from tests.conftest import START, on_both_backends
from tests.conversations.conftest import Chat, EngineFactory
from village.clock import ManualClock
from village.people import Identity
from village.settings import VillageSettings


class PausingDatabase:
    """A worker's database whose next transaction stops once it holds the person's lock, until released."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.locked = asyncio.Event()
        self.release = asyncio.Event()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqlStore]:
        """Open a transaction whose arrival (the identity upsert) waits for `release` after taking the lock."""
        async with self.database.transaction() as store:
            arrive = store.arrivals.arrive

            async def arrive_then_wait(*args: Any, **kwargs: Any) -> Identity | None:
                identity = await arrive(*args, **kwargs)
                self.locked.set()
                await self.release.wait()
                return identity

            store.arrivals.arrive = arrive_then_wait  # type: ignore[method-assign]
            yield store


async def blocked_on_person(database: Database, backend: str, reached_begin: asyncio.Event) -> None:
    """Wait until the second worker is waiting for the first one's lock."""
    if backend == "sqlite":
        # SQLite: the first worker's BEGIN IMMEDIATE holds the write lock, so a second BEGIN waits for its commit.
        await reached_begin.wait()
        return
    query = text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                 "AND wait_event_type = 'Lock'")
    for _ in range(500):
        async with database.engine.connect() as connection:
            if (await connection.execute(query)).scalar():
                return
        await asyncio.sleep(0.01)  # polling the server's own view of the wait; no event to await
    raise AssertionError("the second worker never waited for the person's lock")


def worker(database: Database | PausingDatabase, clock: ManualClock) -> Engine:
    """Return one worker's engine: its own connections to the shared database."""
    return Engine(registry.flows(), database=database, clock=clock, settings=VillageSettings(),
                  renderer=Catalogs.load(), stranger_flow=registry.STRANGER_FLOW)


class AnnouncingDatabase(Database):
    """A worker's database that says when a transaction starts to BEGIN (before SQLite's wait for the lock)."""

    def __init__(self, url: str) -> None:
        super().__init__(Database.open(url).engine)
        self.reached_begin = asyncio.Event()

    async def _begin(self) -> AsyncConnection:
        self.reached_begin.set()
        return await super()._begin()


async def at_the_category_question(new_engine: EngineFactory) -> Chat:
    chat = Chat(new_engine(), "6001")
    await chat.says("/start")
    await chat.shares_contact("+8613800000001")
    await chat.taps("📣 我要反映")
    return chat


async def conversation_of(database: Database, external_id: str) -> tuple[str, dict[str, Any]]:
    async with database.transaction() as store:
        identity = await store.identities.seen("test", external_id, chat_ref=external_id, display_name="",
                                               now=START)
        record = await store.conversations.get(identity.id)
    assert record is not None
    return record.state, dict(record.draft)


async def press_and_type_at_once(first: Chat, second: Chat, pausing: PausingDatabase, wait_blocked:
                                 Callable[[], Awaitable[None]]) -> tuple[list[str], list[str]]:
    pressing = asyncio.create_task(first.taps("绿化"))
    await asyncio.wait([pressing, asyncio.create_task(pausing.locked.wait())], timeout=30,
                       return_when=asyncio.FIRST_COMPLETED)
    assert pausing.locked.is_set(), pressing.exception() if pressing.done() else "the press never locked"
    typing = asyncio.create_task(second.says("大树倒在路上"))
    await wait_blocked()
    pausing.release.set()
    await asyncio.gather(pressing, typing)
    return first.texts(), second.texts()


@on_both_backends
async def test_a_press_and_a_message_at_once_advance_the_conversation_in_turn(
        backend: str, db_url: str, database: Database, new_engine: EngineFactory, clock: ManualClock) -> None:
    chat = await at_the_category_question(new_engine)
    pausing = PausingDatabase(Database.open(db_url))
    other = AnnouncingDatabase(db_url)
    presser = Chat(worker(pausing, clock), "6001", replies=chat.replies)
    typist = Chat(worker(other, clock), "6001")

    try:
        pressed, typed = await press_and_type_at_once(
            presser, typist, pausing, lambda: blocked_on_person(database, backend, other.reached_begin))
        state, draft = await conversation_of(database, "6001")
    finally:
        await pausing.database.close()
        await other.close()

    assert pressed[0].startswith("请说一说是什么问题")
    assert typed[0] == "👌 收到。"
    assert typed[-1].startswith("可以拍照发过来")
    assert state == "PHOTOS"
    assert draft["category"] == "绿化"
    assert draft["text"] == "大树倒在路上"
