"""The database: migrations from empty match the tables; SQLite runs in WAL with foreign keys on."""

from __future__ import annotations

import asyncio

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
