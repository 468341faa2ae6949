"""Opening the database: the engine, SQLite's pragmas, and one transaction per unit of work."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection as SyncConnection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from storage.store import SqlStore

BUSY_TIMEOUT_MS = 10_000


def open_engine(url: str, *, foreign_keys: bool = True) -> AsyncEngine:
    """Create the engine; on SQLite turn on WAL, foreign keys and a busy timeout.

    Every SQLite transaction starts with BEGIN IMMEDIATE: it takes the write lock
    up front, so two writers wait for each other instead of failing mid-way.
    """
    engine = create_async_engine(url, hide_parameters=True)  # parameters carry phone numbers
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, foreign_keys=foreign_keys)
    return engine


def _configure_sqlite(engine: AsyncEngine, *, foreign_keys: bool) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable in WAL mode up to the last checkpoint
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: SyncConnection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """The application's database: hands out transactions, each with its repositories."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str) -> Database:
        """Open the database at `url`."""
        return cls(open_engine(url))

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqlStore]:
        """Yield a store whose writes commit together when the block ends, or roll back on error."""
        async with self.engine.begin() as connection:
            yield SqlStore(connection)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[AsyncConnection]:
        """Yield a raw connection in a transaction (migrations, benchmarks)."""
        async with self.engine.begin() as connection:
            yield connection

    async def close(self) -> None:
        """Release every pooled connection."""
        await self.engine.dispose()


def sqlite_url(path: str) -> str:
    """Return the async SQLAlchemy URL of a SQLite file."""
    return f"sqlite+aiosqlite:///{path}"
