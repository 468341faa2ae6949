"""Pauses that grow with each failure in a row: the back-off of the outbox loop and of the WeChat intake; and one
transaction tried again through a busy or absent database."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from storage.database import Database, is_transient
from storage.store import SqlStore

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPauses:
    """Seconds to wait after the first, second, ... failure in a row; the last one repeats."""

    seconds: tuple[float, ...]

    def __post_init__(self) -> None:
        if not self.seconds or min(self.seconds) < 0:
            raise ValueError("retry pauses: at least one, none negative")

    def after(self, failures: int) -> float:
        """Return the pause after `failures` failures in a row (1: the first)."""
        return self.seconds[min(max(failures, 1), len(self.seconds)) - 1]


async def patiently(database: Database, work: Callable[[SqlStore], Awaitable[T]], pauses: Sequence[float], *,
                    noting: Callable[[BaseException], None] = lambda _: None) -> T:
    """Run `work` in a transaction, again after each of `pauses` while the database fails transiently (every
    pooled connection taken, locked, dropped); `noting` hears of each such failure. The last failure is raised."""
    for pause in (*pauses, None):
        try:
            async with database.transaction() as store:
                return await work(store)
        except Exception as error:
            if pause is None or not is_transient(error):
                raise
            noting(error)
            await asyncio.sleep(pause)
    raise AssertionError("unreachable: the last try returns or raises")
