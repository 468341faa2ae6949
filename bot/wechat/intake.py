"""The WeChat intake: each push kept durably, one person's pushes in order, replies within the budget.

A push is recorded in `wechat_inbound` before anything else (a retry of one already recorded is not run
again), then one read takes the person's pending pushes with what the step starts from (offered choices,
identity, person), then its step runs, and the row is marked done in the step's own transaction: three
transactions for a push. If the step ends
within the passive budget the turn's replies, merged, are the passive reply (kept on the row, so that a
retry whose first answer got lost gets it again); otherwise the push is answered `success` and the
replies go out through the outbox as customer-service messages, queued in that same transaction.
Rows still pending at start (the process died mid-step) are handled again, their replies via the outbox.

Under overload nothing is lost: at most `steps` pushes run their step at once (sized to the database pool, so
waiting steps never hold a connection); a push that cannot start within the passive budget is answered
`success` and stays pending. A background drain runs pending rows, oldest first and one person's in order,
replies by customer-service message. A step that fails is tried again with a growing pause; after
MAX_STEP_ATTEMPTS tries the row is marked failed and the person is told the system is busy. The tries are
counted on the row, so the limit holds across restarts: the drain counts a try before it starts it (a step
that brings the process down counts too), a push's own first try once it failed (no write before it).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Callable, Collection, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import cast

import httpx

from bot.direct_replies import lane
from bot.i18n import Catalogs
from bot.media import MediaKeeper
from bot.retry_pauses import RetryPauses, patiently
from bot.wechat.callback import PushNotKept
from bot.wechat.channel import WechatChannel
from bot.wechat.codec import decode, encode, is_kept
from bot.wechat.errors import WechatApiError
from bot.wechat.events import CHANNEL, dedup_digest, event_of
from bot.wechat.inputs import EventKind as WechatEventKind
from bot.wechat.inputs import Input, MenuClicked, SubscriptionsChanged, Unfollowed
from bot.wechat.menus import click_text
from bot.wechat.passive import PassiveImage, PassiveReply, PassiveText
from bot.wechat.reach import open_window, record_subscriptions
from bot.wechat.rendering import fits_passive, lay_out, merge, offers_of
from bot.wechat.staff import StaffTags, is_staff
from bot.wechat.summaries import ParkedRelease
from handlers.engine import Engine
from handlers.events import Event
from handlers.replies import Attachment, AttachmentKind, Reply, from_payload, to_payload
from handlers.texts import _
from storage.database import Database
from storage.store import SqlStore
from storage.wechat_inbound import InboundRow, Offer, WechatInboundRepository, WechatOfferRepository
from village.clock import Clock
from village.media import MediaKind
from village.outbox import MessageKind, NewMessage, Priority
from village.people import Identity, Person
from village.ports import Store

log = logging.getLogger(__name__)

PASSIVE_SECONDS = 3.5  # a step done by then answers passively; the callback itself gives up at 4 s
INBOUND_MEMORY = timedelta(days=7)  # WeChat retries within seconds; a week leaves room to look into a push
STEPS_AT_ONCE = 8  # pushes whose steps run at once; the endpoint sizes it to the database pool
MAX_STEP_ATTEMPTS = 5  # a step failing this often is given up, and the person told
RETRY_PAUSES = RetryPauses((1.0, 2.0, 4.0, 8.0))  # before a failed step's next try
DRAIN_POLL_SECONDS = 5.0  # the drain looks for pending rows this often even when nobody wakes it
# Where several workers take pushes, a pending push younger than this may be in another worker's hands (its
# callback's step, or its own drain's): this drain leaves it alone, so the step is not run twice at once and its
# tries are not counted twice. Older, its worker has died or is far behind: any drain takes it.
OTHERS_GRACE = timedelta(seconds=30)
BUSY = _("The system is busy, please try again later.")


class WechatIntake:
    """The callback's handler: from a push to the engine and back to a passive reply or the outbox."""

    def __init__(self, engine: Engine, database: Database, clock: Clock, channel: WechatChannel, *,
                 media: MediaKeeper | None = None, on_queued: Callable[[], None] = lambda: None,
                 passive_seconds: float = PASSIVE_SECONDS, catalogs: Catalogs | None = None,
                 locale: str = "zh_CN", staff: StaffTags | None = None,
                 long_term_templates: Collection[str] = (), steps: int = STEPS_AT_ONCE,
                 retry_pauses: RetryPauses = RETRY_PAUSES,
                 on_handled: Callable[[str, str, float], None] = lambda _kind, _outcome, _seconds: None) -> None:
        self._on_handled = on_handled  # (event kind, ok or error, seconds): the /metrics counters
        self._engine, self._database, self._clock, self._channel = engine, database, clock, channel
        self._catalogs, self._locale = catalogs or Catalogs.load(locale), locale
        self._parked = ParkedRelease(self._catalogs, locale, channel.pages)
        self._long_term = frozenset(long_term_templates)
        self._staff = staff
        self._media, self._on_queued, self.passive_seconds = media, on_queued, passive_seconds
        self._turns = PersonLocks()
        self._steps = asyncio.Semaphore(steps)  # a step waiting here holds no database connection
        self._pauses = retry_pauses
        self._next_try: dict[str, float] = {}  # key of a failed push → loop time of its next try
        self._arrived: set[str] = set()  # keys a callback is handling now: the drain leaves them alone
        self._left: set[str] = set()  # keys this process's callbacks left to its drain (overload, an error)
        self.others_grace = timedelta(0)  # none: no other process takes pushes (the endpoint sets OTHERS_GRACE)
        self._wake = asyncio.Event()
        self.handled = 0  # steps run, for tests and the demo
        self.given_up = 0  # rows marked failed after MAX_STEP_ATTEMPTS tries

    async def __call__(self, received: Input) -> PassiveReply | None:
        """Handle one push; return the passive reply, or None for `success`."""
        if isinstance(received, SubscriptionsChanged):
            await self._subscriptions(received)
            return None
        if not is_kept(received):
            return None
        deadline = asyncio.get_running_loop().time() + self.passive_seconds
        key = dedup_digest(received.dedup_key)
        row = await self._record(key, received)  # durable before anything else: the drain runs it if we cannot
        if row.done:  # a retry: its first answer may have been lost on the way
            return await self._passive(row.passive)
        self._arrived.add(key)
        left = True  # until handled here: overload, or an error on the way, leaves the row to the drain
        try:
            async with self._turn(received.open_id, deadline) as started:
                if not started:  # overloaded: `success` now, the drain runs it and replies by customer service
                    return None
                pending, before = await self._context(received.open_id)
                if all(r.id != row.id for r in pending):  # a retry that came while the first was handled
                    left = False
                    done = await self._get(key)
                    return await self._passive(done.passive if done else None)
                earlier = [r for r in pending if r.id < row.id]
                for behind in earlier:  # left behind: handled first, so one person's inputs stay in order
                    await self._retry(decode(behind.input), behind.dedup_key)
                left = False  # from here a failed step schedules its own try (`_failed` wakes the drain)
                return await self._attempt(received, key, deadline=deadline, before=None if earlier else before)
        finally:
            self._arrived.discard(key)
            if left:
                self._left.add(key)
                self._wake.set()  # whatever is left pending is the drain's now

    async def late(self, received: Input, reply: PassiveReply) -> None:
        """Send a passive reply that missed the callback's budget as a customer-service message."""
        if isinstance(reply, PassiveText):
            await self._queue_late(received, [Reply(reply.text)])

    async def recover(self) -> int:
        """Handle again the pushes a previous process left pending; return how many. Forget old done ones."""
        async with self._database.transaction() as store:
            await WechatInboundRepository(store.connection).prune(self._clock.now() - INBOUND_MEMORY)
        count = await self.drain()
        if count:
            log.warning("handled %d WeChat push(es) left pending", count)
        return count

    async def drain_forever(self) -> None:
        """Run pending pushes whenever woken (a push left to us, a failed step) or every few seconds."""
        while True:
            try:
                await self.drain()
            except Exception:  # a database hiccup: the rows stay pending, the next pass takes them
                log.warning("the WeChat drain failed; trying again", exc_info=True)
            await self._sleep_until_due()

    async def drain(self) -> int:
        """Run every pending push that is due, oldest first, one person's in order; return how many were tried."""
        now = asyncio.get_running_loop().time()
        by_person: dict[str, list[InboundRow]] = {}
        # Keys noted before the read: one noted while it runs is missing from `pending` without being done.
        noted = {*self._next_try, *self._left}
        pending = await self._pending(None)
        others: set[str] = set()  # people with a push maybe in another worker's hands: their later ones wait
        for row in pending:
            if row.open_id in others or not self._ours(row):
                others.add(row.open_id)
            elif row.dedup_key not in self._arrived:
                by_person.setdefault(row.open_id, []).append(row)
        gone = noted - {row.dedup_key for row in pending}  # done or given up meanwhile
        for key in gone:
            self._next_try.pop(key, None)
        self._left -= gone
        tried = await asyncio.gather(*(self._drain_person(rows, now) for rows in by_person.values()))
        return sum(tried)

    def _ours(self, row: InboundRow) -> bool:
        """Tell whether this drain may take the pending row: its own, or one no other worker can still be on."""
        if not self.others_grace or row.dedup_key in self._left or row.dedup_key in self._next_try:
            return True
        return row.received_at is None or row.received_at <= self._clock.now() - self.others_grace

    async def _drain_person(self, rows: list[InboundRow], now: float) -> int:
        tried = 0
        for row in rows:
            if self._next_try.get(row.dedup_key, 0.0) > now:
                break  # waiting before its next try: the person's later inputs wait too, to keep their order
            async with self._turn(row.open_id, None):
                if row.dedup_key not in self._arrived:  # else a callback took it
                    tried += await self._retry(decode(row.input), row.dedup_key)
        return tried

    async def _sleep_until_due(self) -> None:
        loop = asyncio.get_running_loop()
        soonest = min(self._next_try.values(), default=loop.time() + DRAIN_POLL_SECONDS)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max(0.01, min(soonest - loop.time(), DRAIN_POLL_SECONDS))):
                await self._wake.wait()
        self._wake.clear()

    @asynccontextmanager
    async def _turn(self, open_id: str, deadline: float | None) -> AsyncIterator[bool]:
        """Hold the person's turn and a step slot; yield False if the turn was not free by `deadline`, or no
        slot is free when the turn comes (a push's `deadline`; the drain, with none, waits)."""
        async with AsyncExitStack() as held:
            started = True
            try:
                async with asyncio.timeout_at(deadline):
                    await held.enter_async_context(self._turns.of(open_id))
                    # Every slot taken means a backlog: queueing here would only make WeChat wait; the
                    # drain catches up. (Waiting for the person's own previous input above is normal typing.)
                    if deadline is not None and self._steps.locked():
                        raise TimeoutError
                    await held.enter_async_context(self._steps)
            except TimeoutError:
                started = False
            yield started

    async def _retry(self, received: Input, key: str) -> bool:
        """Try a pending push's step again (the drain's try, or a push left behind); False if it got done meanwhile.

        The try is counted on the row before it starts (the same statement tells whether the row is still
        pending), so that a step which brings the process down is given up too: past MAX_STEP_ATTEMPTS the
        push is given up without running it again.
        """
        tries = await self._count_try(key)
        if tries is None:
            return False
        if tries > MAX_STEP_ATTEMPTS:
            await self._give_up(received, key, tries - 1)
        else:
            await self._attempt(received, key, deadline=None, tries=tries)
        return True

    async def _attempt(self, received: Input, key: str, *, deadline: float | None,
                       tries: int | None = None, before: Before | None = None) -> PassiveReply | None:
        """Run the step; a failure leaves the row pending for another try, or gives up after the last.

        `tries`: the tries counted on the row, this one included; None for a push's own first try, counted
        only if it fails (no write before it: the passive reply's budget is short).
        """
        try:
            reply = await self._handle(received, key, deadline=deadline, before=before)
        except Exception:
            log.warning("WeChat push %s failed", key, exc_info=True)
            await self._failed(received, key, tries)
            return None
        self._next_try.pop(key, None)
        return reply

    async def _failed(self, received: Input, key: str, tries: int | None) -> None:
        """Pause before the next try, or give up after the last (`tries`: as `_attempt` takes it)."""
        try:
            counted = tries if tries is not None else await self._count_try(key)
        except Exception:  # the database too: the row stays pending, the drain counts its next try
            log.warning("could not count the failed try of WeChat push %s", key, exc_info=True)
            counted = 1
        if counted is None:  # done or given up meanwhile
            return
        if counted < MAX_STEP_ATTEMPTS:
            pause = self._pauses.after(counted)
            log.warning("WeChat push %s failed (try %d); trying again in %.0f s", key, counted, pause)
            self._next_try[key] = asyncio.get_running_loop().time() + pause
            self._wake.set()  # the drain sleeps until the next try is due
            return
        await self._give_up(received, key, counted)

    async def _count_try(self, key: str) -> int | None:
        """Count one more try on the push's row; return the tries so far, None if it is no longer pending."""
        async with self._database.transaction() as store:
            return await WechatInboundRepository(store.connection).count_attempt(key)

    async def _give_up(self, received: Input, key: str, tries: int) -> None:
        """Mark the push failed and tell the person; left pending if even that fails (the drain comes back)."""
        log.error("WeChat push %s failed %d times; gave up", key, tries)
        try:
            async with self._database.transaction() as store:
                if await WechatInboundRepository(store.connection).mark_failed(key, self._clock.now()):
                    await self._tell_busy(store, received.open_id, key)
        except Exception:  # even that failed: the row stays pending, the drain tries once more
            log.warning("could not give up WeChat push %s yet", key, exc_info=True)
            return
        self._next_try.pop(key, None)
        self.given_up += 1
        self._on_queued()

    async def _tell_busy(self, store: SqlStore, open_id: str, key: str) -> None:
        """Never silence: the person hears that their input was not handled."""
        now = self._clock.now()
        identity = await store.identities.seen(CHANNEL, open_id, chat_ref=open_id, display_name="", now=now)
        text = self._catalogs.text(BUSY, identity.locale or self._locale)
        await store.outbox.add_many([NewMessage(f"reply:{CHANNEL}:{key}:busy", identity.id, to_payload(Reply(text)),
                                                Priority.URGENT, batch=lane(identity.id),
                                                kind=MessageKind.REPLY_FALLBACK)], now)

    async def _handle(self, received: Input, key: str, *, deadline: float | None,
                      before: Before | None) -> PassiveReply | None:
        if isinstance(received, Unfollowed):
            await self._unfollowed(received, key)
            return None
        if before is None:  # the drain, or an input handled after earlier ones: read afresh
            async with self._database.transaction() as store:
                before = await _before_in(store, received.open_id)
        identity, person = before.identity, before.person
        event = event_of(received, before.offers, clicked=self._clicked(received, identity, person))
        if event is None:
            await self._mark_done(key, None)
            return None
        if event.media is not None and self._media is not None:
            event = await self._intake_media(event)
        passive: list[str | None] = [None]
        finished = False

        async def finish(store: Store, _identity: Identity, replies: list[Reply]) -> None:
            nonlocal finished
            passive[0], finished = await self._finish(cast(SqlStore, store), event, key, replies, deadline,
                                                      before), True

        started = time.perf_counter()
        try:
            await self._engine.handle(event, then=finish)
        except Exception:  # rolled back: the row stays pending and `_attempt` decides what next
            self._on_handled(event.kind.value, "error", time.perf_counter() - started)
            raise
        if not finished:  # the engine had handled this update already: only the row was left behind
            await self._mark_done(key, None)
        else:
            self._on_queued()  # committed now: the dispatcher can see the replies (and what was parked)
        self.handled += 1
        self._on_handled(event.kind.value, "ok", time.perf_counter() - started)
        if person is None or (self._staff is not None and is_staff(person, self._engine.menu)):
            await self._follow_roles(received.open_id, was_staff=person is not None)
        return await self._passive(passive[0])

    async def _finish(self, store: SqlStore, event: Event, key: str, replies: list[Reply],
                      deadline: float | None, before: Before) -> str | None:
        """In the step's transaction: keep the offered choices, then the passive reply or the outbox rows."""
        merged = [self._on_disk(r) for r in merge(replies)]
        offering = next((r for r in reversed(merged) if r.choices), None)
        await WechatOfferRepository(store.connection).replace(
            event.external_id, offers_of(offering) if offering else (), self._clock.now())
        in_time = deadline is not None and asyncio.get_running_loop().time() < deadline
        passive = json.dumps(to_payload(merged[0])) if in_time and _passive_fits(merged) else None
        identity: Identity | None
        if merged and passive is None:  # queueing looks the identity up already: once per step
            identity = await self._queue(store, event, key, merged)
        elif before.identity is not None:  # known before the step, which keeps its id (a look-up less)
            identity = before.identity
        else:  # a stranger's first input: the step has just created the identity
            identity = await store.identities.find(event.channel, event.external_id)
        await WechatInboundRepository(store.connection).mark_done(key, self._clock.now(), passive)
        if identity is not None:  # they wrote, so the window is open: what was parked for them goes out now
            await self._parked.release(store, identity, self._clock.now())
        return passive

    async def _queue(self, store: SqlStore, event: Event, key: str, replies: Sequence[Reply]) -> Identity:
        """Queue the replies in the outbox; return the identity they go to."""
        now = self._clock.now()
        identity = await store.identities.seen(event.channel, event.external_id, chat_ref=event.chat_ref,
                                               display_name="", now=now)
        messages = [NewMessage(f"reply:{CHANNEL}:{key}:{index}", identity.id, to_payload(reply), Priority.URGENT,
                               batch=lane(identity.id), kind=MessageKind.REPLY_FALLBACK)
                    for index, reply in enumerate(replies)]
        await store.outbox.add_many(messages, now)
        return identity

    async def _queue_late(self, received: Input, replies: Sequence[Reply]) -> None:
        event = event_of(received)
        if event is None:
            return
        async with self._database.transaction() as store:
            await self._queue(store, event, f"{dedup_digest(received.dedup_key)}:late", replies)
        self._on_queued()

    async def _unfollowed(self, received: Unfollowed, key: str) -> None:
        """Nothing can reach someone who unfollowed: mark them unreachable until they follow again."""
        now = self._clock.now()
        async with self._database.transaction() as store:
            identity = await store.identities.seen(CHANNEL, received.open_id, chat_ref=received.open_id,
                                                   display_name="", now=now)
            await store.identities.set_unreachable(identity.id, now)
            await store.outbox.park_pending_of_identity(identity.id, now)  # delivered if they follow again
            await WechatInboundRepository(store.connection).mark_done(key, now, None)

    async def _passive(self, stored: str | None) -> PassiveReply | None:
        if stored is None:
            return None
        reply = from_payload(json.loads(stored))
        if reply.attachment is not None:
            media_id = await self._channel.upload_picture(reply.attachment)
            return PassiveImage(media_id)
        return PassiveText(lay_out(reply, links=True).text)

    def _on_disk(self, reply: Reply) -> Reply:
        """Save a picture drawn in memory, so that the outbox (and a retry) can carry it by path."""
        attachment = reply.attachment
        if attachment is None or attachment.data is None or self._media is None:
            return reply
        if attachment.kind is AttachmentKind.PHOTO:
            path = self._media.save(attachment.data, MediaKind.PHOTO, ".png")
        else:  # a file made for the person (a meeting's .ics): its link is made when it is sent
            suffix = Path(attachment.file_name or "file.bin").suffix[:8] or ".bin"
            path = self._media.save(attachment.data, MediaKind.DOCUMENT, suffix)
        return replace(reply, attachment=Attachment(attachment.kind, path=str(path), file_name=attachment.file_name))

    async def _whom(self, open_id: str) -> tuple[Identity | None, Person | None]:
        """Return the WeChat identity and the person behind it, as they are before the step."""
        async with self._database.transaction() as store:
            return await _whom_in(store, open_id)

    def _clicked(self, received: Input, identity: Identity | None, person: Person | None) -> str | None:
        """Return the menu label a custom-menu click stands for, for this person (see `menus.click_text`)."""
        if not (isinstance(received, MenuClicked) and received.kind is WechatEventKind.CLICK):
            return None
        locale = (identity.locale if identity else None) or self._locale
        return click_text(received.event_key, person, self._engine.menu, self._catalogs, locale)

    async def _follow_roles(self, open_id: str, *, was_staff: bool) -> None:
        """After a step that may have made someone staff (joining) or ended it (leaving): move the staff tag.

        Only strangers and staff cost a look-up, and only a change costs a call. WeChat refusing does not undo
        the step: `hemei wechat menu` tags everyone again.
        """
        if self._staff is None:
            return
        identity, person = await self._whom(open_id)
        if identity is None or is_staff(person, self._engine.menu) == was_staff:
            return
        try:
            await self._staff.sync(person, [identity])
        except (WechatApiError, httpx.HTTPError) as error:
            log.warning("could not move the staff tag on WeChat: %s", error)

    async def _intake_media(self, event: Event) -> Event:
        """Copy the photo or voice into our store before the step (which keeps our media id)."""
        assert self._media is not None
        try:
            return await self._media.intake(event, self._channel)
        except WechatApiError as error:  # expired or refused: the step says it could not keep the file
            log.warning("could not download WeChat media: %s", error)
            return event

    async def _record(self, key: str, received: Input) -> InboundRow:
        """Keep the push, and the customer-service window it opened (routing.py predicts from it).

        Tried again through transient database errors (recording twice is harmless); a push not kept after that
        raises `PushNotKept`, and the callback leaves it unanswered so that WeChat pushes it again. (No deadline
        of its own: on a saturated process the callback's budget may pass first, and giving up then would lose a
        push already answered `success`.)
        """
        async def keep(store: SqlStore) -> InboundRow:
            await open_window(store.connection, received)
            return await WechatInboundRepository(store.connection).record(
                key, received.open_id, encode(received), self._clock.now())

        try:
            return await patiently(self._database, keep, (self._pauses.after(1), self._pauses.after(2)),
                                   noting=lambda error: log.warning("could not record WeChat push %s yet: %s", key,
                                                                    error))
        except Exception as error:
            raise PushNotKept(f"{type(error).__name__}: {error}") from error

    async def _subscriptions(self, received: SubscriptionsChanged) -> None:
        """Keep the subscriptions the person accepted or refused, once per push (WeChat retries)."""
        key, now = dedup_digest(received.dedup_key), self._clock.now()
        async with self._database.transaction() as store:
            inbound = WechatInboundRepository(store.connection)
            if (await inbound.get(key)) is not None:
                return
            await inbound.record(key, received.open_id, encode(received), now)
            await record_subscriptions(store.connection, received, now, long_term=self._long_term)
            await inbound.mark_done(key, now, None)

    async def _context(self, open_id: str) -> tuple[list[InboundRow], Before]:
        """Return the person's pending pushes and what their next step starts from, in one transaction."""
        async with self._database.transaction() as store:
            pending = await WechatInboundRepository(store.connection).pending(open_id)
            return pending, await _before_in(store, open_id)

    async def _pending(self, open_id: str | None) -> list[InboundRow]:
        async with self._database.transaction() as store:
            return await WechatInboundRepository(store.connection).pending(open_id)

    async def _get(self, key: str) -> InboundRow | None:
        async with self._database.transaction() as store:
            return await WechatInboundRepository(store.connection).get(key)

    async def _mark_done(self, key: str, passive: str | None) -> None:
        async with self._database.transaction() as store:
            await WechatInboundRepository(store.connection).mark_done(key, self._clock.now(), passive)


class PersonLocks:
    """One lock per person, kept only while someone holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def of(self, open_id: str) -> AsyncIterator[None]:
        """Hold the person's lock: their inputs are handled one at a time, in arrival order."""
        lock, users = self._locks.get(open_id, (asyncio.Lock(), 0))
        self._locks[open_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[open_id]
            if users == 1:
                del self._locks[open_id]
            else:
                self._locks[open_id] = (lock, users - 1)


@dataclass(frozen=True)
class Before:
    """What a person's step starts from, read before it: the choices offered last, the identity, the person."""

    offers: list[Offer]
    identity: Identity | None
    person: Person | None


async def _before_in(store: SqlStore, open_id: str) -> Before:
    offers = await WechatOfferRepository(store.connection).of(open_id)
    identity, person = await _whom_in(store, open_id)
    return Before(offers, identity, person)


async def _whom_in(store: SqlStore, open_id: str) -> tuple[Identity | None, Person | None]:
    identity = await store.identities.find(CHANNEL, open_id)
    person = await store.people.get(identity.person_id) if identity and identity.person_id else None
    return identity, person


def _passive_fits(merged: Sequence[Reply]) -> bool:
    """One message only: a text within WeChat's size, or a lone picture."""
    if len(merged) != 1:
        return False
    reply = merged[0]
    if reply.attachment is not None:
        return reply.attachment.kind is AttachmentKind.PHOTO and not str(reply.text) and not reply.choices
    return fits_passive(lay_out(reply, links=True).text)
