"""The database: migrations from empty match the tables; SQLite runs in WAL with foreign keys on."""

from __future__ import annotations

import asyncio

import aiosqlite
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

import storage.database
from storage.database import Database, open_engine
from storage.migrate import alembic_config, current_revision, head_revision, upgrade
from storage.tables import metadata
from village.places import Village


async def test_upgrade_from_empty_reaches_head_and_is_idempotent(empty_db_url: str) -> None:
    first = await upgrade(empty_db_url)
    second = await upgrade(empty_db_url)

    assert first == second == head_revision() == await current_revision(empty_db_url)


async def test_migrations_create_exactly_the_declared_tables(database: Database) -> None:
    async with database.connection() as connection:
        differences = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync, opts={"compare_type": True}), metadata))

    assert differences == []


async def test_every_migration_downgrades_to_empty_and_upgrades_again(db_url: str) -> None:
    engine = open_engine(db_url, foreign_keys=False)
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: command.downgrade(alembic_config(sync), "base"))
        left = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    await engine.dispose()

    assert left == ["alembic_version"]
    assert await upgrade(db_url) == head_revision()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(database: Database) -> None:
    async with database.connection() as connection:
        journal = (await connection.execute(text("PRAGMA journal_mode"))).scalar()
        foreign_keys = (await connection.execute(text("PRAGMA foreign_keys"))).scalar()
        busy = (await connection.execute(text("PRAGMA busy_timeout"))).scalar()

    assert (journal, foreign_keys, busy) == ("wal", 1, 10_000)


async def test_foreign_keys_are_enforced(database: Database) -> None:
    async with database.connection() as connection:
        with pytest.raises(IntegrityError, match=r"(?i)foreign key"):
            await connection.execute(text("INSERT INTO grids (village_id, name) VALUES (999, 'x')"))


async def write_then_crash(database: Database) -> None:
    async with database.transaction() as store:
        await store.places.save_village("FX09", "半途村")
        raise RuntimeError("crash mid-way")


async def test_a_failed_transaction_leaves_nothing_behind(database: Database) -> None:
    with pytest.raises(RuntimeError, match="crash mid-way"):
        await write_then_crash(database)

    async with database.transaction() as store:
        assert await store.places.village_by_code("FX09") is None


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_a_transaction_queues_behind_a_long_writer_instead_of_failing(
        database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage.database, "BUSY_TIMEOUT_MS", 20)
    holding = asyncio.Event()

    async def read_when_free() -> Village | None:
        await holding.wait()
        async with database.transaction() as store:
            return await store.places.village_by_code("FX08")

    reader = asyncio.ensure_future(read_when_free())
    async with database.transaction() as store:
        await store.places.save_village("FX08", "长村")
        holding.set()
        while database.lock_waits < 3 and not reader.done():  # noqa: ASYNC110 - hold the lock past 3 waits
            await asyncio.sleep(0.01)
    seen = await reader

    assert database.lock_waits >= 3
    assert seen == Village(seen.id if seen else 0, "FX08", "长村")


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_sqlite_rolls_back_a_returned_connection_only_when_a_transaction_is_left_open(
        db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    database = Database.open(db_url, pool_size=1, max_overflow=0)  # one connection, handed out again and again
    other = Database.open(db_url)
    rollbacks: list[object] = []
    rollback = aiosqlite.Connection.rollback

    async def counted(self: aiosqlite.Connection) -> None:
        rollbacks.append(self)
        await rollback(self)

    try:
        for opened in (database, other):  # open the connections (SQLAlchemy's first connect rolls back)
            async with opened.transaction() as store:
                await store.places.village_by_code("FX10")
        monkeypatch.setattr(aiosqlite.Connection, "rollback", counted)
        async with database.transaction() as store:
            await store.places.save_village("FX10", "一村")
        committed = len(rollbacks)  # a rollback after COMMIT would be a thread hop for nothing
        async with database.engine.connect() as connection:  # a transaction SQLAlchemy does not know of
            raw = await connection.get_raw_connection()
            await raw.driver_connection.execute("BEGIN IMMEDIATE")
        async with database.transaction() as store:  # the same connection, not mid-transaction
            await store.places.save_village("FX11", "二村")
        async with other.transaction() as store:  # and SQLite's write lock was let go
            await store.places.save_village("FX12", "三村")
            found = [await store.places.village_by_code(code) for code in ("FX10", "FX11", "FX12")]
    finally:
        await database.close()
        await other.close()

    assert committed == 0
    assert len(rollbacks) == 1
    assert [v.name if v else None for v in found] == ["一村", "二村", "三村"]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_a_transaction_cancelled_while_it_waits_for_the_write_lock_does_not_take_it_later(
        database: Database) -> None:
    holding = asyncio.Event()

    async def write_when_free() -> None:
        await holding.wait()
        async with database.transaction() as store:  # BEGIN IMMEDIATE waits inside SQLite for the holder
            await store.places.save_village("FX07", "等不到村")

    waiting = asyncio.ensure_future(write_when_free())
    async with database.transaction() as store:
        await store.places.save_village("FX08", "长村")
        holding.set()
        await asyncio.sleep(0.2)  # the other BEGIN is waiting in aiosqlite's thread now
        waiting.cancel()  # e.g. a deadline passed: its BEGIN goes on in the thread and gets the lock once free
        with pytest.raises(asyncio.CancelledError):
            await waiting

    async with asyncio.timeout(5):  # the abandoned BEGIN must not hold the lock (it would for SQLite's 10 s)
        async with database.transaction() as store:
            await store.places.save_village("FX09", "后来村")
    async with database.transaction() as store:
        assert await store.places.village_by_code("FX07") is None
        assert await store.places.village_by_code("FX09") is not None
