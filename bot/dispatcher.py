"""The outbox dispatcher: sends queued messages at a steady pace and records each outcome.

A row is claimed (status `sending`) in one transaction, sent, and its outcome
recorded in another. A crash between the two leaves it `sending`; the next start
requeues it flagged `resent`, so the only messages that can arrive twice are the
ones in flight at the crash (at most `max_in_flight`). A graceful stop waits for
in-flight sends to be recorded: nothing is sent twice.

Each send waits its turn in the bot's send budget (bot/budget.py), as a message to one
person or, for bulk rows, as a broadcast: direct replies go first and broadcasts take what
is left of Telegram's rate. With `pacing = "fixed"` the outbox also keeps to
`rate_per_second`. Urgent rows are claimed first. One person's messages go one at a time,
in the order queued (a report's photos, then its card). A flood wait for the whole bot
holds claiming; one for a chat holds that chat's message only (waited out in place when short,
put back in the queue otherwise).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TypeVar

from aiolimiter import AsyncLimiter

from bot.budget import SendBudget, lane_of, sending_as
from bot.channels import (
    Channel,
    DeliveryError,
    NotReachableNowError,
    RateLimitedError,
    RoutePausedError,
    RoutingChannel,
    TemporaryError,
    UnreachableError,
)
from bot.config import OutboxSettings
from bot.retry_pauses import RetryPauses
from handlers.replies import from_payload
from storage.database import Database, is_transient
from storage.store import SqlStore
from village.clock import Clock
from village.outbox import CHAT_BOUND_KINDS, OutboxItem, retry_delay
from village.people import Identity
from village.routing import Prefer, choose_identity

log = logging.getLogger(__name__)
T = TypeVar("T")

# A flood wait of one chat up to this long is waited out by the send's own task (it holds one
# in-flight slot); a longer one, or the whole bot's, puts the message back in the queue.
_CHAT_WAIT_SECONDS = 5.0
_CHAT_WAITS = 3
# After a transient database error (pool timeout, "database is locked", a dropped connection) the loop
# pauses this long, doubling up to the last; nothing is lost, the rows wait in the table.
_DB_PAUSES = RetryPauses((0.1, 0.5, 1.0, 2.0, 5.0))
LOST_REPLY_SWEEP_SECONDS = 30.0


class Dispatcher:
    """Drains the outbox through the channels."""

    def __init__(self, database: Database, channels: Mapping[str, Channel], clock: Clock,
                 settings: OutboxSettings, budget: SendBudget, *,
                 on_outcome: Callable[[str], None] = lambda _outcome: None,
                 prefer: Prefer = Prefer.LAST_USED) -> None:
        self._database = database
        self._on_outcome = on_outcome  # counts each send's outcome (metrics)
        self._channels = channels
        self._clock = clock
        self._settings = settings
        self._budget = budget
        self._prefer = prefer  # which of a person's accounts their messages go to
        self._limiter = AsyncLimiter(settings.rate_per_second, 1) if settings.pacing == "fixed" else None
        self._wakeup = asyncio.Event()
        self._idle = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._in_flight: set[asyncio.Task[None]] = set()
        self._busy: set[str] = set()  # recipients with a message in flight: theirs go one at a time
        self.resent_after_crash = 0
        self.database_errors = 0  # transient database errors survived (tests, logs)
        self._troubles_in_row = 0
        self._next_sweep: datetime | None = None  # when to look for direct replies lost with their worker

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
        async with asyncio.timeout(within):
            await self._idle.wait()

    async def _run(self) -> None:
        while not self._stopping:
            await self._respect_pause()
            self._wakeup.clear()
            free = self._settings.max_in_flight - len(self._in_flight)
            try:
                claimed = await self._claim(free) if free > 0 else []
            except Exception as error:
                if not is_transient(error):
                    raise
                await self._database_trouble(error)
                continue
            self._troubles_in_row = 0
            for item in claimed:
                self._start(item)
            if not claimed:
                await self._wait()
        if self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)

    def _start(self, item: OutboxItem) -> None:
        self._busy.add(item.recipient)
        task = asyncio.create_task(self._deliver(item))
        self._in_flight.add(task)

        def finished(done: asyncio.Task[None]) -> None:
            self._in_flight.discard(done)
            self._busy.discard(item.recipient)
            # Look again: this person's next message may go now. A send that finishes while a claim
            # is under way (the claim skipped the person as busy) must not leave that message
            # waiting for the next poll, nor let `_wait` report idle with it due.
            self._wakeup.set()

        task.add_done_callback(finished)

    async def _claim(self, limit: int) -> list[OutboxItem]:
        async with self._database.transaction() as store:
            await self._release_lost_replies(store)
            return await store.outbox.claim(self._clock.now(), limit, self._busy, prefer=self._prefer,
                                            channels=self._channels.keys())

    async def _release_lost_replies(self, store: SqlStore) -> None:
        """Now and then: send the direct replies of workers that died between their commit and their sends."""
        now = self._clock.now()
        if self._next_sweep is not None and now < self._next_sweep:
            return
        self._next_sweep = now + timedelta(seconds=min(self._settings.lost_reply_seconds / 4,
                                                       LOST_REPLY_SWEEP_SECONDS))
        lost_since = now - timedelta(seconds=self._settings.lost_reply_seconds)
        released = await store.outbox.release_lost_replies(lost_since)
        if released:
            log.warning("%d direct reply(ies) left unsent by a stopped worker; the outbox sends them", released)
            self.resent_after_crash += released

    async def _database_trouble(self, error: BaseException) -> None:
        """Log a transient database error and pause before trying again, longer each time in a row."""
        self.database_errors += 1
        self._troubles_in_row += 1
        pause = _DB_PAUSES.after(self._troubles_in_row)
        log.warning("outbox: database unavailable (%s: %s); trying again in %.1f s",
                    type(error).__name__, error, pause)
        await asyncio.sleep(pause)

    async def _write(self, write: Callable[[SqlStore], Awaitable[T]]) -> T:
        """Record an outcome, trying again through transient database errors: the send already happened."""
        while True:
            try:
                async with self._database.transaction() as store:
                    return await write(store)
            except Exception as error:
                if not is_transient(error) or self._stopping:
                    raise  # stopping: the row stays `sending` and is resent, flagged, at the next start
                await self._database_trouble(error)

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
        """Claim nothing while the whole bot waits out a 429: every send would be refused."""
        delay = self._budget.paused_for()
        if delay > 0:
            await asyncio.sleep(delay)

    async def _deliver(self, item: OutboxItem, tried: frozenset[int] = frozenset()) -> None:
        """Send one claimed message and record what happened.

        A channel that cannot reach the person now (WeChat: the window is closed and no other route of
        its own applies) hands the message to the person's other account, if one can be reached (`tried`:
        the accounts that could not), rather than park it for a return that may be far off.
        """
        channel = self._channels.get(item.channel)
        if item.unreachable:
            if channel is not None and channel.keeps_for_return:  # an unfollower may follow again: keep it
                await self._record_failure(item, NotReachableNowError("unreachable"))
            else:
                await self._record_blocked(item, "unreachable", stop_identity=False)
            return
        try:
            if channel is None:  # an account on a channel this deployment no longer runs: their other one, or kept
                raise NotReachableNowError(f"no channel {item.channel!r} here")
            route = await self._send(channel, item)
        except NotReachableNowError as error:
            elsewhere = await self._elsewhere(item, tried | {item.identity_id})
            if elsewhere is None:
                await self._record_failure(item, error)
            else:
                await self._deliver(elsewhere, tried | {item.identity_id})
            return
        except DeliveryError as error:
            await self._record_failure(item, error)
            return
        except Exception as error:
            # Left alone, the row would stay `sending` until the next start: try it again later instead.
            log.exception("sending outbox message %s failed", item.key)
            await self._record_failure(item, TemporaryError(f"{type(error).__name__}: {error}"))
            return
        now = self._clock.now()
        await self._write(lambda store: store.outbox.mark_sent(item.id, now, route))
        self._on_outcome("sent")

    async def _send(self, channel: Channel, item: OutboxItem) -> str:
        """Send, waiting out a short flood wait of this chat alone in place (cheaper than a reschedule).

        Return the route it took: the channel's name, or what a routing channel (WeChat) chose.
        """
        for attempt in range(_CHAT_WAITS + 1):
            try:
                async with self._limiter or contextlib.nullcontext():
                    with sending_as(lane_of(item.priority)):
                        return await _send_by_route(channel, item)
            except RateLimitedError as error:
                wait = error.retry_after.total_seconds()
                if self._budget.paused_for() > 0 or wait > _CHAT_WAIT_SECONDS or attempt == _CHAT_WAITS \
                        or self._stopping:
                    raise
                await asyncio.sleep(wait)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _record_failure(self, item: OutboxItem, error: DeliveryError) -> None:
        if isinstance(error, UnreachableError):
            await self._record_blocked(item, str(error), stop_identity=True)
            return
        if isinstance(error, NotReachableNowError):  # kept for the person's next message, never dropped
            now = self._clock.now()
            await self._write(lambda store: store.outbox.park(item.id, now, str(error)))
            self._on_outcome("parked")
            return
        now = self._clock.now()
        # A WeChat route paused until midnight, or a flood wait whose scope the budget knows: the row waits.
        if isinstance(error, RoutePausedError | RateLimitedError):
            retry_at, outcome = now + error.retry_after, "rate_limited"
        elif isinstance(error, TemporaryError) and item.attempts < self._settings.max_attempts:
            retry_at, outcome = now + retry_delay(item.attempts), "retry"
        else:
            log.warning("giving up on outbox message %s: %s", item.key, error)
            await self._write(lambda store: store.outbox.mark_failed(item.id, now, str(error)))
            self._on_outcome("failed")
            return
        await self._write(lambda store: store.outbox.retry_later(item.id, retry_at, str(error)))
        self._on_outcome(outcome)

    async def _record_blocked(self, item: OutboxItem, reason: str, *, stop_identity: bool) -> None:
        now = self._clock.now()
        outcome = "blocked"

        async def write(store: SqlStore) -> None:
            nonlocal outcome
            outcome = "blocked"
            if stop_identity:
                await store.identities.set_unreachable(item.identity_id, now)
                await store.outbox.block_pending_of_identity(item.identity_id, now)
                if await self._reachable_elsewhere(store, item):  # the next claim sends it to their other account
                    await store.outbox.retry_later(item.id, now, reason)
                    outcome = "rerouted"
                    return
            await store.outbox.mark_blocked(item.id, now, reason)

        await self._write(write)
        self._on_outcome(outcome)

    async def _elsewhere(self, item: OutboxItem, tried: frozenset[int]) -> OutboxItem | None:
        """Return the message moved to the person's account of choice among those not `tried`, or None."""
        person_id = item.person_id
        if person_id is None or item.kind in CHAT_BOUND_KINDS:
            return None

        async def move(store: SqlStore) -> Identity | None:
            others = [i for i in await store.identities.of_person(person_id) if i.id not in tried]
            chosen = choose_identity(others, self._prefer, self._channels.keys())
            if chosen is not None:
                await store.outbox.move(item.id, chosen.id)
            return chosen

        chosen = await self._write(move)
        if chosen is None:
            return None
        return replace(item, identity_id=chosen.id, channel=chosen.channel, chat_ref=chosen.chat_ref,
                       unreachable=False)

    async def _reachable_elsewhere(self, store: SqlStore, item: OutboxItem) -> bool:
        """Tell whether a message may follow its person to another account of theirs that can be reached."""
        if item.person_id is None or item.kind in CHAT_BOUND_KINDS:
            return False
        others = [i for i in await store.identities.of_person(item.person_id) if i.id != item.identity_id]
        return choose_identity(others, self._prefer, self._channels.keys()) is not None


async def _send_by_route(channel: Channel, item: OutboxItem) -> str:
    reply = from_payload(dict(item.payload))
    if isinstance(channel, RoutingChannel):
        return await channel.deliver(item, reply)
    await channel.send(item.chat_ref, reply)
    return channel.name
