"""Applying Alembic migrations from code: `hemei db upgrade` and at every start."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from storage.database import LOCK_WAIT_SECONDS, open_engine

MIGRATIONS = Path(__file__).parent / "migrations"
# Workers starting together migrate one at a time: the first holds this transaction-scoped advisory lock while
# it migrates; the others wait for its commit, then find the schema at head. (Not the leader's key: a leader
# keeps its lock for hours, and a starting leader must be able to migrate.)
MIGRATION_LOCK_KEY = 0x68656D656D  # "hemem"
_LOCKED_RETRY_PAUSES = (0.1, 0.3, 1.0)


class MigrationError(RuntimeError):
    """The schema could not be brought up to date."""


def alembic_config(connection: Connection | None = None) -> Config:
    """Return an Alembic config pointing at our migrations, sharing `connection` if given."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


async def upgrade(url: str, revision: str = "head") -> str | None:
    """Bring the database at `url` to `revision`; return the revision it is at.

    Foreign keys are off while migrating: SQLite's batch mode copies and drops
    tables, and a drop with foreign keys on would cascade. They are checked after.
    Workers starting together on a new SQLite file may collide while switching it to WAL:
    the one refused tries again (nothing was written; SQLite's DDL is transactional).
    """
    for pause in _LOCKED_RETRY_PAUSES:
        try:
            return await _upgrade(url, revision)
        except OperationalError as error:
            if "database is locked" not in str(error):
                raise
            await asyncio.sleep(pause)
    return await _upgrade(url, revision)


async def _upgrade(url: str, revision: str) -> str | None:
    # On SQLite a worker starting beside one that migrates waits for its commit however long the chain takes.
    engine = open_engine(url, foreign_keys=False, busy_ms=int(LOCK_WAIT_SECONDS * 1000))
    try:
        async with engine.begin() as connection:
            if engine.dialect.name == "postgresql":  # SQLite's BEGIN IMMEDIATE already serialises migrations
                await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            await connection.run_sync(lambda sync: command.upgrade(alembic_config(sync), revision))
            if engine.dialect.name == "sqlite":
                broken = (await connection.execute(text("PRAGMA foreign_key_check"))).fetchall()
                if broken:
                    raise MigrationError(f"foreign key violations after migrating: {broken[:5]}")
            return await connection.run_sync(_current)
    finally:
        await engine.dispose()


async def current_revision(url: str) -> str | None:
    """Return the revision the database is at, None when it was never migrated."""
    engine = open_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_current)
    finally:
        await engine.dispose()


async def table_names(url: str) -> list[str]:
    """Return the tables in the database's default schema, sorted (none for a new, empty database)."""
    engine = open_engine(url)
    try:
        async with engine.connect() as connection:
            return sorted(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
    finally:
        await engine.dispose()


def head_revision() -> str | None:
    """Return the newest revision the code knows."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()
