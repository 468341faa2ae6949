"""The WeChat intake: each push kept durably, one person's pushes in order, replies within the budget.

A push is recorded in `wechat_inbound` before anything else (a retry of one already recorded is not run
again), then its step runs, and the row is marked done in the step's own transaction. If the step ends
within the passive budget the turn's replies, merged, are the passive reply (kept on the row, so that a
retry whose first answer got lost gets it again); otherwise the push is answered `success` and the
replies go out through the outbox as customer-service messages, queued in that same transaction.
Rows still pending at start (the process died mid-step) are handled again, their replies via the outbox.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import cast

import httpx

from bot.direct_replies import lane
from bot.i18n import Catalogs
from bot.media import MediaKeeper
from bot.wechat.channel import WechatChannel
from bot.wechat.codec import decode, encode, is_kept
from bot.wechat.errors import WechatApiError
from bot.wechat.events import CHANNEL, dedup_digest, event_of
from bot.wechat.inputs import EventKind as WechatEventKind
from bot.wechat.inputs import Input, MenuClicked, Unfollowed
from bot.wechat.menus import click_text
from bot.wechat.passive import PassiveImage, PassiveReply, PassiveText
from bot.wechat.rendering import fits_passive, lay_out, merge, offers_of
from bot.wechat.staff import StaffTags, is_staff
from handlers.engine import Engine
from handlers.events import Event
from handlers.replies import Attachment, AttachmentKind, Reply, from_payload, to_payload
from storage.database import Database
from storage.store import SqlStore
from storage.wechat_inbound import InboundRow, WechatInboundRepository, WechatOfferRepository
from village.clock import Clock
from village.media import MediaKind
from village.outbox import MessageKind, NewMessage, Priority
from village.people import Identity, Person
from village.ports import Store

log = logging.getLogger(__name__)

PASSIVE_SECONDS = 3.5  # a step done by then answers passively; the callback itself gives up at 4 s
INBOUND_MEMORY = timedelta(days=7)  # WeChat retries within seconds; a week leaves room to look into a push


class WechatIntake:
    """The callback's handler: from a push to the engine and back to a passive reply or the outbox."""

    def __init__(self, engine: Engine, database: Database, clock: Clock, channel: WechatChannel, *,
                 media: MediaKeeper | None = None, on_queued: Callable[[], None] = lambda: None,
                 passive_seconds: float = PASSIVE_SECONDS, catalogs: Catalogs | None = None,
                 locale: str = "zh_CN", staff: StaffTags | None = None) -> None:
        self._engine, self._database, self._clock, self._channel = engine, database, clock, channel
        self._catalogs, self._locale = catalogs or Catalogs.load(locale), locale
        self._staff = staff
        self._media, self._on_queued, self.passive_seconds = media, on_queued, passive_seconds
        self._turns = PersonLocks()
        self.handled = 0  # steps run, for tests and the demo

    async def __call__(self, received: Input) -> PassiveReply | None:
        """Handle one push; return the passive reply, or None for `success`."""
        if not is_kept(received):
            return None
        deadline = asyncio.get_running_loop().time() + self.passive_seconds
        key = dedup_digest(received.dedup_key)
        async with self._turns.of(received.open_id):
            row = await self._record(key, received)
            if row.done:  # a retry: its first answer may have been lost on the way
                return await self._passive(row.passive)
            for earlier in await self._pending(received.open_id):
                if earlier.id < row.id:  # left by a crash: handled first, so one person's inputs stay in order
                    await self._handle(decode(earlier.input), earlier.dedup_key, deadline=None)
            return await self._handle(received, key, deadline=deadline)

    async def late(self, received: Input, reply: PassiveReply) -> None:
        """Send a passive reply that missed the callback's budget as a customer-service message."""
        if isinstance(reply, PassiveText):
            await self._queue_late(received, [Reply(reply.text)])

    async def recover(self) -> int:
        """Handle again the pushes a previous process left pending; return how many. Forget old done ones."""
        async with self._database.transaction() as store:
            await WechatInboundRepository(store.connection).prune(self._clock.now() - INBOUND_MEMORY)
        rows = await self._pending(None)
        for row in rows:
            async with self._turns.of(row.open_id):
                current = await self._pending(row.open_id)
                if any(r.id == row.id for r in current):
                    await self._handle(decode(row.input), row.dedup_key, deadline=None)
        if rows:
            log.warning("handled %d WeChat push(es) left pending by the last process", len(rows))
        return len(rows)

    async def _handle(self, received: Input, key: str, *, deadline: float | None) -> PassiveReply | None:
        if isinstance(received, Unfollowed):
            await self._unfollowed(received, key)
            return None
        async with self._database.transaction() as store:
            offers = await WechatOfferRepository(store.connection).of(received.open_id)
        identity, person = await self._whom(received.open_id)
        event = event_of(received, offers, clicked=self._clicked(received, identity, person))
        if event is None:
            await self._mark_done(key, None)
            return None
        if event.media is not None and self._media is not None:
            event = await self._intake_media(event)
        passive: list[str | None] = [None]
        finished = False

        async def finish(store: Store, replies: list[Reply]) -> None:
            nonlocal finished
            passive[0], finished = await self._finish(cast(SqlStore, store), event, key, replies, deadline), True

        try:
            await self._engine.handle(event, then=finish)
            if not finished:  # the engine had handled this update already: only the row was left behind
                await self._mark_done(key, None)
            else:
                self._on_queued()  # committed now: the dispatcher can see the replies (and what was parked)
        except Exception:  # the step failed: apologise once, and never run it again on a retry
            log.exception("WeChat push %s failed", key)
            passive[0] = json.dumps(to_payload(await self._engine.apology(event)))
            await self._mark_done(key, passive[0])
        self.handled += 1
        if person is None or (self._staff is not None and is_staff(person, self._engine.menu)):
            await self._follow_roles(received.open_id, was_staff=person is not None)
        return await self._passive(passive[0])

    async def _finish(self, store: SqlStore, event: Event, key: str, replies: list[Reply],
                      deadline: float | None) -> str | None:
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
        else:
            identity = await store.identities.find(event.channel, event.external_id)
        await WechatInboundRepository(store.connection).mark_done(key, self._clock.now(), passive)
        if identity is not None:  # they wrote, so the window is open: what was parked for them goes out now
            await store.outbox.release_parked(identity.id, self._clock.now())
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
            identity = await store.identities.find(CHANNEL, open_id)
            person = await store.people.get(identity.person_id) if identity and identity.person_id else None
        return identity, person

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
        async with self._database.transaction() as store:
            return await WechatInboundRepository(store.connection).record(
                key, received.open_id, encode(received), self._clock.now())

    async def _pending(self, open_id: str | None) -> list[InboundRow]:
        async with self._database.transaction() as store:
            return await WechatInboundRepository(store.connection).pending(open_id)

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


def _passive_fits(merged: Sequence[Reply]) -> bool:
    """One message only: a text within WeChat's size, or a lone picture."""
    if len(merged) != 1:
        return False
    reply = merged[0]
    if reply.attachment is not None:
        return reply.attachment.kind is AttachmentKind.PHOTO and not str(reply.text) and not reply.choices
    return fits_passive(lay_out(reply, links=True).text)
