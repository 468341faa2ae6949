"""The outbox dispatcher: sends queued messages at a steady pace and records each outcome.

A row is claimed (status `sending`) in one transaction, sent, and its outcome
recorded in another. A crash between the two leaves it `sending`; the next start
requeues it flagged `resent`, so the only messages that can arrive twice are the
ones in flight at the crash (at most `max_in_flight`). A graceful stop waits for
in-flight sends to be recorded: nothing is sent twice.

The pace (`rate_per_second`, default 20) stays under Telegram's 30 msg/s so that
direct replies to residents, which share the bot's rate limiter, never queue
behind a broadcast; urgent rows go first. One person's messages go one at a time,
in the order queued (a report's photos, then its card).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from datetime import timedelta

from aiolimiter import AsyncLimiter

from bot.channels import (
    Channel,
    DeliveryError,
    PermanentError,
    RateLimitedError,
    TemporaryError,
    UnreachableError,
)
from bot.config import OutboxSettings
from handlers.replies import from_payload
from storage.database import Database
from village.clock import Clock
from village.outbox import OutboxItem, retry_delay

log = logging.getLogger(__name__)


class Dispatcher:
    """Drains the outbox through the channels."""

    def __init__(self, database: Database, channels: Mapping[str, Channel], clock: Clock,
                 settings: OutboxSettings, *, on_outcome: Callable[[str], None] = lambda _outcome: None) -> None:
        self._database = database
        self._on_outcome = on_outcome  # counts each send's outcome (metrics)
        self._channels = channels
        self._clock = clock
        self._settings = settings
        self._limiter = AsyncLimiter(settings.rate_per_second, 1)
        self._wakeup = asyncio.Event()
        self._idle = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._in_flight: set[asyncio.Task[None]] = set()
        self._busy: set[int] = set()  # identities with a message in flight: theirs go one at a time
        self._paused_until = 0.0
        self.resent_after_crash = 0

    async def start(self) -> None:
        """Requeue what a previous process left in flight, then start sending."""
        async with self._database.transaction() as store:
            self.resent_after_crash = await store.outbox.release_in_flight()
        if self.resent_after_crash:
            log.warning("%d message(s) were in flight when the last process stopped; resending",
                        self.resent_after_crash)
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="outbox-dispatcher")

    async def stop(self) -> None:
        """Stop claiming; wait for sends in flight to finish and be recorded."""
        self._stopping = True
        self._wakeup.set()
        if self._task is not None:
            await self._task
            self._task = None

    def wake(self) -> None:
        """Look at the outbox now (something was queued)."""
        self._idle.clear()
        self._wakeup.set()

    async def drain(self, within: float = 30) -> None:
        """Wait until nothing due is left and nothing is in flight (tests and the demo)."""
        self.wake()
        await asyncio.wait_for(self._idle.wait(), within)

    async def _run(self) -> None:
        while not self._stopping:
            await self._respect_pause()
            self._wakeup.clear()
            free = self._settings.max_in_flight - len(self._in_flight)
            claimed = await self._claim(free) if free > 0 else []
            for item in claimed:
                self._start(item)
            if not claimed:
                await self._wait()
        if self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)

    def _start(self, item: OutboxItem) -> None:
        self._busy.add(item.identity_id)
        task = asyncio.create_task(self._deliver(item))
        self._in_flight.add(task)

        def finished(done: asyncio.Task[None]) -> None:
            self._in_flight.discard(done)
            self._busy.discard(item.identity_id)

        task.add_done_callback(finished)

    async def _claim(self, limit: int) -> list[OutboxItem]:
        async with self._database.transaction() as store:
            return await store.outbox.claim(self._clock.now(), limit, self._busy)

    async def _wait(self) -> None:
        """Sleep until woken, a send finishes, or the poll interval passes."""
        if not self._in_flight and not self._wakeup.is_set():
            self._idle.set()
        waiters: set[asyncio.Future[object]] = {asyncio.ensure_future(self._wakeup.wait()), *self._in_flight}
        _, pending = await asyncio.wait(waiters, timeout=self._settings.poll_seconds,
                                           return_when=asyncio.FIRST_COMPLETED)
        for waiter in pending - self._in_flight:
            waiter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await waiter

    async def _respect_pause(self) -> None:
        delay = self._paused_until - asyncio.get_running_loop().time()
        if delay > 0:
            await asyncio.sleep(delay)

    async def _deliver(self, item: OutboxItem) -> None:
        """Send one claimed message and record what happened."""
        if item.unreachable:
            await self._record_blocked(item, "unreachable", stop_identity=False)
            return
        channel = self._channels.get(item.channel)
        try:
            if channel is None:
                raise PermanentError(f"no channel {item.channel!r}")
            async with self._limiter:
                await channel.send(item.chat_ref, from_payload(dict(item.payload)))
        except DeliveryError as error:
            await self._record_failure(item, error)
            return
        async with self._database.transaction() as store:
            await store.outbox.mark_sent(item.id, self._clock.now())
        self._on_outcome("sent")

    async def _record_failure(self, item: OutboxItem, error: DeliveryError) -> None:
        if isinstance(error, UnreachableError):
            await self._record_blocked(item, str(error), stop_identity=True)
            return
        now = self._clock.now()
        async with self._database.transaction() as store:
            if isinstance(error, RateLimitedError):
                self.hold(error.retry_after)
                await store.outbox.retry_later(item.id, now + error.retry_after, str(error))
                outcome = "rate_limited"
            elif isinstance(error, TemporaryError) and item.attempts < self._settings.max_attempts:
                await store.outbox.retry_later(item.id, now + retry_delay(item.attempts), str(error))
                outcome = "retry"
            else:
                log.warning("giving up on outbox message %s: %s", item.key, error)
                await store.outbox.mark_failed(item.id, now, str(error))
                outcome = "failed"
        self._on_outcome(outcome)

    async def _record_blocked(self, item: OutboxItem, reason: str, *, stop_identity: bool) -> None:
        now = self._clock.now()
        async with self._database.transaction() as store:
            await store.outbox.mark_blocked(item.id, now, reason)
            if stop_identity:
                await store.identities.set_unreachable(item.identity_id, now)
                await store.outbox.block_pending_of_identity(item.identity_id, now)
        self._on_outcome("blocked")

    def hold(self, delay: timedelta) -> None:
        """Hold every send for `delay`: a flood wait applies to the whole bot (also one a direct reply met)."""
        until = asyncio.get_running_loop().time() + delay.total_seconds()
        self._paused_until = max(self._paused_until, until)
