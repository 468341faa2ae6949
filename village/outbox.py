"""The outbox: every message other than a direct reply, durable and sent exactly once.

A row is written in the same transaction as the change that causes it and carries
an idempotency key, so a recomputed reminder or a retried job never sends twice.
The payload is opaque here: the handlers render it, the dispatcher sends it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from village.clock import Clock

if TYPE_CHECKING:
    from village.ports import Store


class OutboxStatus(StrEnum):
    """Where a message is in its life."""

    PENDING = "pending"
    SENDING = "sending"  # claimed by the dispatcher; if the process dies here, it is resent
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"  # the person blocked the bot


class Priority(IntEnum):
    """Lower goes first: a notice about your own report never waits behind a broadcast."""

    URGENT = 0
    NORMAL = 5
    BULK = 9


@dataclass(frozen=True)
class NewMessage:
    """A message to queue for one identity."""

    key: str
    identity_id: int
    payload: Mapping[str, Any]
    priority: Priority = Priority.NORMAL
    not_before: datetime | None = None
    batch: str | None = None


@dataclass(frozen=True)
class OutboxItem:
    """A queued message as stored."""

    id: int
    key: str
    identity_id: int
    payload: Mapping[str, Any]
    priority: int
    status: OutboxStatus
    not_before: datetime
    attempts: int
    created_at: datetime
    batch: str | None = None
    resent: bool = False
    sent_at: datetime | None = None
    last_error: str | None = None
    channel: str = ""
    chat_ref: str = ""
    unreachable: bool = False


@dataclass(frozen=True)
class BatchProgress:
    """Delivery figures for one batch (a broadcast), or for the whole outbox."""

    total: int
    sent: int
    failed: int
    blocked: int
    pending: int
    waiting: int  # pending, but held back (quiet hours or retry back-off)
    resent: int  # sent again after a crash: may have arrived twice


class QuietHours(BaseModel):
    """No optional message between `start` and `end`, local time; it waits until `end`."""

    model_config = ConfigDict(frozen=True)

    start: time = time(21, 0)
    end: time = time(8, 0)

    def contains(self, local: time) -> bool:
        """Tell whether the local wall-clock time falls inside the quiet hours."""
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def release_time(self, moment: datetime, zone: ZoneInfo) -> datetime:
        """Return when an optional message due at `moment` may go: `moment`, or the end of quiet hours."""
        local = moment.astimezone(zone)
        if not self.contains(local.timetz().replace(tzinfo=None)):
            return moment
        end = datetime.combine(local.date(), self.end, tzinfo=zone)
        if end <= local:
            end += timedelta(days=1)
        return end.astimezone(moment.tzinfo)


def retry_delay(attempts: int) -> timedelta:
    """Back off after a failed send: 5 s, 10 s, 20 s, ... capped at 10 minutes."""
    return timedelta(seconds=min(5 * 2 ** max(attempts - 1, 0), 600))


class OutboxService:
    """Queue messages in the caller's transaction; optional ones wait out the quiet hours."""

    def __init__(self, store: Store, clock: Clock, quiet_hours: QuietHours, zone: ZoneInfo) -> None:
        self._store = store
        self._clock = clock
        self._quiet_hours = quiet_hours
        self._zone = zone

    async def enqueue_many(self, messages: Sequence[NewMessage], *, optional: bool = False) -> int:
        """Queue many messages in a few statements (a broadcast); return how many keys were new."""
        now = self._clock.now()
        return await self._store.outbox.add_many([self._timed(m, now, optional) for m in messages], now)

    def _timed(self, message: NewMessage, now: datetime, optional: bool) -> NewMessage:
        """Set when the message may go: not in the past, and for optional ones not in quiet hours."""
        not_before = max(message.not_before or now, now)
        if optional:
            not_before = self._quiet_hours.release_time(not_before, self._zone)
        return replace(message, not_before=not_before)

    async def progress(self, batch: str | None) -> BatchProgress:
        """Return delivery figures for a batch, or for everything when `batch` is None."""
        return await self._store.outbox.progress(batch, self._clock.now())
