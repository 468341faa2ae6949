"""Leadership: which one process runs the scheduler and the outbox dispatcher.

Workers answer updates; one leader sends the outbox and runs the jobs. On PostgreSQL the leader holds
a session advisory lock on a connection of its own (outside the pool, so closing it really ends the
session): the server releases the lock the moment that session ends (the process was killed, the
network went), and a standby, trying every `retry_seconds`, takes over. The leader checks its
connection as often, giving the check as long again to answer; when it fails or hangs, it stops
leading. A standby that wins the lock waits `grace_seconds` (two intervals: one check and its
timeout) before it leads, so a former leader that has not yet noticed its session ended has
stepped down by then: never two leaders at once. SQLite serves a single process, which is always
the leader.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)

LOCK_KEY = 0x68656D6569  # "hemei": one leader per database
RETRY_SECONDS = 2.0
PROBE = "SELECT 1"  # the leader's check that its session, and so its lock, is still there
CLOSE_SECONDS = 2.0

Hook = Callable[[], Awaitable[None]]


class Leadership:
    """Holds the leader's lease and runs `on_gained` / `on_lost` as it is won and lost."""

    probe = PROBE

    def __init__(self, url: str, *, on_gained: Hook, on_lost: Hook, retry_seconds: float = RETRY_SECONDS,
                 grace_seconds: float | None = None) -> None:
        self._url = url
        self._on_gained = on_gained
        self._on_lost = on_lost
        self._retry = retry_seconds
        self._grace = 2 * retry_seconds if grace_seconds is None else grace_seconds
        self._engine: AsyncEngine | None = None
        self._task: asyncio.Task[None] | None = None
        self.leading = False

    async def start(self) -> None:
        """Try once now (a lone process leads at once, as before); keep trying in the background."""
        if not self._url.startswith("postgresql"):
            await self._gain()
            return
        self._engine = create_async_engine(self._url, poolclass=NullPool)
        connection = await self._try(grace=0.0)  # at start no one we could overlap with has just lost the lock
        self._task = asyncio.create_task(self._hold(connection), name="leadership")

    async def stop(self) -> None:
        """Stop leading (or waiting to) and release the lock."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._lose()
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None

    async def _hold(self, connection: AsyncConnection | None) -> None:
        while True:
            if connection is not None:
                await self._keep(connection)
            await asyncio.sleep(self._retry)
            try:
                connection = await self._try(grace=self._grace)
            except Exception:  # the lock is released with its connection; a candidate keeps trying
                log.exception("leadership: starting the leader's part failed; trying again")
                connection = None

    async def _try(self, *, grace: float) -> AsyncConnection | None:
        """Return the connection holding the lock, or None when another process leads (or the database is away).

        Having won the lock, wait `grace` seconds before leading (a former leader steps down meanwhile).
        """
        assert self._engine is not None
        try:
            connection = await self._engine.connect()
        except (DBAPIError, OSError) as error:
            log.warning("leadership: cannot reach the database: %s", error)
            return None
        try:
            await connection.execution_options(isolation_level="AUTOCOMMIT")  # no transaction held open
            held = (await connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY})).scalar()
            if held:
                if grace:
                    await asyncio.sleep(grace)
                    await self._check(connection)  # still ours (a failure here is a lost connection: not leading)
                await self._gain()
                return connection
        except (DBAPIError, OSError, TimeoutError) as error:
            log.warning("leadership: the lock's connection failed: %s", error)
            await self._lose()  # when the leader's part had started (it may have failed on the database)
            await _close(connection)
            return None
        except BaseException:  # a failing start (say, a catch-up job) must not leave us half leading
            await self._lose()
            await _close(connection)
            raise
        await _close(connection)
        return None

    async def _keep(self, connection: AsyncConnection) -> None:
        """Lead until the lock's connection fails (or the task is cancelled), then stop leading."""
        try:
            while True:
                await asyncio.sleep(self._retry)
                await self._check(connection)
        except (DBAPIError, OSError, TimeoutError) as error:
            log.error("leadership lost: the lock's database connection failed: %s", error)
        finally:
            await self._lose()
            await _close(connection)

    async def _check(self, connection: AsyncConnection) -> None:
        """Raise when the lock's connection fails, or takes longer than an interval to answer (a hung network:
        the server may have ended the session and a standby may hold the lock soon)."""
        async with asyncio.timeout(self._retry):
            await connection.execute(text(self.probe))

    async def _gain(self) -> None:
        log.warning("leadership: this process now runs the scheduler and the outbox")
        self.leading = True
        await self._on_gained()

    async def _lose(self) -> None:
        if self.leading:
            self.leading = False
            await self._on_lost()


async def _close(connection: AsyncConnection) -> None:
    """Close the lock's connection; one that does not close within `CLOSE_SECONDS` (a query cancelled mid-way,
    a hung network) is dropped instead: the server ends the session, and the lock with it."""
    try:
        async with asyncio.timeout(CLOSE_SECONDS):
            await connection.close()
    except (DBAPIError, OSError, TimeoutError):
        with contextlib.suppress(Exception):
            await connection.invalidate()


async def leader_holds_lock(connection: AsyncConnection) -> bool:
    """Tell whether some session of this database holds the leader's lock (PostgreSQL only).

    A bigint advisory key shows in pg_locks split in two: its high 32 bits as classid, its low as objid.
    """
    query = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                 "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                 "AND classid = :high AND objid = :low AND objsubid = 1")
    held = (await connection.execute(query, {"high": LOCK_KEY >> 32, "low": LOCK_KEY & 0xFFFFFFFF})).scalar()
    return bool(held)
