"""Storage for notices: the migration, and queueing a broadcast's rows in bulk without duplicating keys."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from alembic import command
from sqlalchemy import inspect

from storage.database import Database, open_engine, sqlite_url
from storage.migrate import alembic_config, upgrade
from tests.conftest import SHANGHAI
from tests.factories import load_roster
from village.clock import ManualClock
from village.outbox import MessageKind, NewMessage, Priority
from village.services import Services
from village.settings import VillageSettings

NOTICE_TABLES = {"notices", "notice_recipients", "notice_mutes"}
NOTICE = MessageKind.NOTICE_BROADCAST


async def tables(url: str) -> set[str]:
    engine = open_engine(url)
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
    finally:
        await engine.dispose()


async def test_migrations_create_and_drop_the_notice_tables(tmp_path: Path) -> None:
    url = sqlite_url(f"{tmp_path}/fresh.db")

    await upgrade(url)
    created = await tables(url)
    engine = open_engine(url, foreign_keys=False)
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: command.downgrade(alembic_config(sync), "0001"))
    await engine.dispose()
    dropped = await tables(url)

    assert created >= NOTICE_TABLES
    assert not NOTICE_TABLES & dropped
    assert "outbox" in dropped


async def identities(database: Database, clock: ManualClock, count: int) -> list[int]:
    async with database.transaction() as store:
        found = [await store.identities.seen("telegram", str(n), chat_ref=str(n), display_name="", now=clock.now())
                 for n in range(count)]
    return [i.id for i in found]


async def test_bulk_queueing_skips_keys_queued_before(database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)
    ids = await identities(database, clock, 3)
    first = [NewMessage(f"n:1>i{i}", i, {"text": "x"}, Priority.BULK, batch="n:1", kind=NOTICE) for i in ids[:2]]
    again = [NewMessage(f"n:1>i{i}", i, {"text": "x"}, Priority.BULK, batch="n:1", kind=NOTICE) for i in ids]

    async with database.transaction() as store:
        outbox = Services(store, clock, VillageSettings()).outbox
        added = [await outbox.enqueue_many(first), await outbox.enqueue_many(again)]
        progress = await outbox.progress("n:1")

    assert added == [2, 1]
    assert progress.total == 3


async def test_bulk_queueing_holds_optional_messages_until_quiet_hours_end(database: Database,
                                                                        clock: ManualClock) -> None:
    await load_roster(database, clock)
    clock.set(datetime(2026, 11, 2, 23, 0, tzinfo=SHANGHAI))
    ids = await identities(database, clock, 2)
    messages = [NewMessage(f"n:2>i{i}", i, {"text": "x"}, batch="n:2", kind=NOTICE) for i in ids]

    async with database.transaction() as store:
        outbox = Services(store, clock, VillageSettings()).outbox
        await outbox.enqueue_many(messages, optional=True)
        now = await outbox.progress("n:2")
        clock.advance(timedelta(hours=9))
        morning = await outbox.progress("n:2")

    assert (now.pending, now.waiting) == (2, 2)
    assert (morning.pending, morning.waiting) == (2, 0)
