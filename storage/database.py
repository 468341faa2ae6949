"""Opening the database: the engine, SQLite's pragmas, and one transaction per unit of work."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection as SyncConnection
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import PoolResetState

from storage.store import SqlStore

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
# How long a transaction keeps queueing for SQLite's write lock (a district's roster import holds it for
# tens of seconds) before the error reaches the person; each try waits BUSY_TIMEOUT_MS inside SQLite.
LOCK_WAIT_SECONDS = 300.0
_RETRY_PAUSES = (0.05, 0.1, 0.2, 0.5, 1.0)  # between tries, after SQLite's own wait; the last repeats


POOL_SIZE, MAX_OVERFLOW = 5, 10  # SQLAlchemy's defaults: connections kept, and more opened under load
POOL_TIMEOUT = 30.0  # seconds a transaction waits for a free connection before TimeoutError


def open_engine(url: str, *, foreign_keys: bool = True, busy_ms: int | None = None,
                pool_size: int = POOL_SIZE, max_overflow: int = MAX_OVERFLOW,
                pool_timeout: float = POOL_TIMEOUT) -> AsyncEngine:
    """Create the engine; on SQLite turn on WAL, foreign keys and a busy timeout (`busy_ms`, else the default).

    Every SQLite transaction starts with BEGIN IMMEDIATE: it takes the write lock
    up front, so two writers wait for each other instead of failing mid-way.
    """
    sized: dict[str, Any] = {"pool_size": pool_size, "max_overflow": max_overflow,
                             "pool_timeout": pool_timeout} if ":memory:" not in url else {}
    if url.startswith("sqlite"):
        # The pool's rollback of every connection returned (after a COMMIT, a no-op) is a thread hop of
        # aiosqlite's: `_on_reset` below rolls back only a transaction still open.
        sized["pool_reset_on_return"] = None
    engine = create_async_engine(url, hide_parameters=True, **sized)  # parameters carry phone numbers
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, foreign_keys=foreign_keys, busy_ms=busy_ms)
    return engine


def _configure_sqlite(engine: AsyncEngine, *, foreign_keys: bool, busy_ms: int | None) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        # WAL first, with no busy wait: two processes switching a new file at once would each wait for the
        # other's lock; one fails at once instead (and `upgrade` tries again).
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms or BUSY_TIMEOUT_MS}")  # read here, so a test may shorten it
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable in WAL mode up to the last checkpoint
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: SyncConnection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    @event.listens_for(engine.sync_engine, "reset")
    def _on_reset(dbapi_connection: Any, _record: Any, state: PoolResetState) -> None:
        # Never hand out a connection holding SQLite's write lock: roll back what a COMMIT or ROLLBACK did not end.
        if state.asyncio_safe and dbapi_connection.driver_connection.in_transaction:
            dbapi_connection.rollback()


async def _discard(connection: AsyncConnection) -> None:
    """Close the connection for good (not back to the pool): whatever its driver is still doing ends with it."""
    await connection.invalidate()
    await connection.close()


def is_transient(error: BaseException) -> bool:
    """Return whether `error` is the database being busy or briefly away (worth trying again), not a bug.

    The pool's timeout, SQLite's "database is locked", a dropped or refused PostgreSQL connection.
    """
    if isinstance(error, PoolTimeoutError | OperationalError | InterfaceError | OSError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


class Database:
    """The application's database: hands out transactions, each with its repositories."""

    def __init__(self, engine: AsyncEngine, *, capacity: int = POOL_SIZE + MAX_OVERFLOW) -> None:
        self.engine = engine
        self.capacity = capacity  # connections the pool hands out at most
        self.lock_waits = 0  # tries that found SQLite's write lock taken (for tests and logs)

    @classmethod
    def open(cls, url: str, *, pool_size: int = POOL_SIZE, max_overflow: int = MAX_OVERFLOW,
             pool_timeout: float = POOL_TIMEOUT) -> Database:
        """Open the database at `url`, with a pool of `pool_size` connections plus `max_overflow` more."""
        engine = open_engine(url, pool_size=pool_size, max_overflow=max_overflow, pool_timeout=pool_timeout)
        return cls(engine, capacity=pool_size + max_overflow)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqlStore]:
        """Yield a store whose writes commit together when the block ends, or roll back on error.

        When another writer holds SQLite's lock, wait for it in turn instead of failing (see `_begin`).
        """
        connection = await self._begin()
        try:
            yield SqlStore(connection)
        except BaseException:
            await connection.rollback()
            raise
        else:
            await connection.commit()
        finally:
            await connection.close()

    async def _begin(self) -> AsyncConnection:
        """Open a connection in a transaction, trying again while SQLite's write lock is taken.

        Only BEGIN IMMEDIATE can find the lock taken (it takes the lock up front), so no work of the
        caller has run yet and trying again is safe.
        """
        waited, attempt = 0.0, 0
        while True:
            connection = await self.engine.connect()
            try:
                await connection.begin()
                return connection
            except OperationalError as error:
                await connection.close()
                waited += BUSY_TIMEOUT_MS / 1000
                if "database is locked" not in str(error) or waited >= LOCK_WAIT_SECONDS:
                    raise
            except BaseException:  # cancelled: the BEGIN may still take the lock in the driver's thread
                await asyncio.shield(_discard(connection))
                raise
            pause = _RETRY_PAUSES[min(attempt, len(_RETRY_PAUSES) - 1)]
            self.lock_waits += 1
            log.info("database busy: waiting for the write lock (%.0f s so far)", waited)
            await asyncio.sleep(pause)
            waited += pause
            attempt += 1

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
