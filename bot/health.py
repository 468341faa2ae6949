"""The health check: the database answers, a leader is known, and how much of the outbox waits.

It answers 503 when the database does not answer within `TIMEOUT_SECONDS` or nobody leads (nothing would
be sent and no job would run); the backlog is reported, for the operator's alerts to judge.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import DBAPIError

from bot.leadership import leader_holds_lock
from storage.database import Database
from storage.store import SqlStore
from village.clock import Clock

TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class Backlog:
    """Due, unsent outbox messages per priority, and how long the oldest has waited."""

    by_priority: dict[int, int]
    oldest_wait_seconds: float


@dataclass(frozen=True)
class HealthReport:
    """What /healthz answers."""

    healthy: bool
    body: dict[str, Any]


class HealthCheck:
    """Looks at the database, the leader and the outbox for /healthz and /metrics."""

    def __init__(self, database: Database, clock: Clock, *, leading_here: Callable[[], bool]) -> None:
        self._database = database
        self._clock = clock
        self._leading_here = leading_here

    async def backlog(self) -> Backlog:
        """Read the outbox's due messages (waiting at most `TIMEOUT_SECONDS` for the database)."""
        async with asyncio.timeout(TIMEOUT_SECONDS):
            return await self._read_backlog()

    async def _read_backlog(self) -> Backlog:
        now = self._clock.now()
        async with self._database.transaction() as store:
            return _backlog(*await store.outbox.backlog(now), now=now)

    async def check(self) -> HealthReport:
        """Return the report; never raises for a database that is away."""
        started = time.perf_counter()
        try:
            async with asyncio.timeout(TIMEOUT_SECONDS):
                backlog, leader = await self._look()
        except (DBAPIError, OSError, TimeoutError) as error:
            return HealthReport(False, {"status": "unavailable", "database": {"ok": False, "error": _named(error)},
                                        "leader": {"known": self._leading_here(), "here": self._leading_here()}})
        milliseconds = round((time.perf_counter() - started) * 1000, 1)
        body = {
            "status": "ok" if leader else "no leader",
            "database": {"ok": True, "ms": milliseconds},
            "leader": {"known": leader, "here": self._leading_here()},
            "outbox": {"due": sum(backlog.by_priority.values()),
                       "by_priority": {str(p): n for p, n in sorted(backlog.by_priority.items())},
                       "oldest_wait_seconds": backlog.oldest_wait_seconds},
        }
        return HealthReport(leader, body)

    async def _look(self) -> tuple[Backlog, bool]:
        now = self._clock.now()
        async with self._database.transaction() as store:
            backlog = _backlog(*await store.outbox.backlog(now), now=now)
            return backlog, self._leading_here() or await _someone_leads(store)


async def _someone_leads(store: SqlStore) -> bool:
    """On PostgreSQL a leader elsewhere holds the lock; on SQLite the one process leads or nobody does."""
    if store.connection.dialect.name != "postgresql":
        return False
    return await leader_holds_lock(store.connection)


def _backlog(by_priority: dict[int, int], oldest: datetime | None, *, now: datetime) -> Backlog:
    wait = 0.0 if oldest is None else max(0.0, round((now - oldest).total_seconds(), 1))
    return Backlog(by_priority, wait)


def _named(error: BaseException) -> str:
    return "timeout" if isinstance(error, TimeoutError) else type(error).__name__
