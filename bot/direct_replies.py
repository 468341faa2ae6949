"""Direct replies: sent at once, tried again on a transient failure, handed to the outbox if it lasts.

By the time replies are sent the conversation has moved on (its state is saved), so a reply
that is dropped leaves the person stuck mid-question. A network error, a 5xx or a flood wait
is retried with backoff (a flood wait as long as Telegram asks, up to `max_wait_seconds`).
If that is not enough, this reply and the rest of the turn's go into the outbox, keyed by the
update id so that a redelivery cannot queue them twice, and the dispatcher sends them when
Telegram is back. Until it has, the person's later replies queue behind them: in order.

A reply sent has its journal row deleted by the worker's next step, in that step's transaction (a
transaction of its own per update cost a third of a /menu's database round trips), or, when no step
comes within FORGET_AFTER_SECONDS, or at a stop, in a transaction of its own. A worker killed in
between leaves those rows for the outbox, which sends them again flagged as maybe sent twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from enum import Enum
from typing import cast

from bot.channels import Channel, PermanentError, RateLimitedError, TemporaryError, UnreachableError
from bot.config import ReplySettings
from handlers.engine import Engine
from handlers.events import Event
from handlers.replies import Reply, to_payload
from storage.database import Database
from storage.store import SqlStore
from village.clock import Clock
from village.outbox import MessageKind, NewMessage, Priority
from village.people import Identity
from village.ports import Store

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
FORGET_AFTER_SECONDS = 1.0  # far below outbox.lost_reply_seconds, after which a row left is sent again


class Outcome(Enum):
    """What became of one reply."""

    SENT = "sent"
    LATER = "later"  # still failing: the outbox takes over
    GONE = "gone"  # the person blocked the bot: nothing more to send


def reply_key(event: Event, index: int) -> str:
    """Return the outbox key of a turn's `index`-th reply (unique per update)."""
    return f"reply:{event.channel}:{event.update_ref}:{index}"


def lane(identity_id: int) -> str:
    """Return the outbox batch holding an identity's queued direct replies."""
    return f"replies>i{identity_id}"


class DirectReplies:
    """Sends a turn's replies in order; none is lost to a transient failure."""

    def __init__(self, channel: Channel, database: Database, clock: Clock, settings: ReplySettings, *,
                 on_queued: Callable[[], None] = lambda: None, on_flood: Callable[[timedelta], None] = lambda _: None,
                 sleep: Sleep = asyncio.sleep, split: Callable[[Reply], list[Reply]] = lambda r: [r]) -> None:
        self._channel = channel
        # The channel's own messages for one reply (Telegram: the menu after a message of choices), each
        # tried and queued on its own, so that a retry never repeats a message that already went out.
        self._split = split
        self._database = database
        self._clock = clock
        self._settings = settings
        self._on_queued = on_queued
        self._on_flood = on_flood
        self._sleep = sleep
        self._behind: dict[str, int] = {}  # chat -> identity whose replies wait in the outbox
        self._sent: list[str] = []  # journal keys of replies sent, whose rows are still to delete
        self._forgetting: asyncio.Task[None] | None = None
        self.queued = 0

    async def handle(self, engine: Engine, event: Event) -> None:
        """Run the step, its replies journalled in its transaction; then send them in order."""
        journal: list[tuple[str, Reply]] = []
        taken: list[str] = []

        async def keep(store: Store, identity: Identity, replies: list[Reply]) -> None:
            taken.extend(self._take_sent())  # earlier replies' rows go with this transaction
            await cast(SqlStore, store).outbox.forget_replies(taken)
            journal.extend(await self._journal(cast(SqlStore, store), identity, event, replies))

        try:
            await engine.handle(event, then=keep)
        except BaseException:
            self._sent[:0] = taken  # rolled back: still to delete
            raise
        await self._deliver(event, journal)

    async def flush(self) -> None:
        """Delete the journal rows of the replies sent, in a transaction of their own (a stop, an idle worker)."""
        keys = self._take_sent()
        if not keys:
            return
        try:
            async with self._database.transaction() as store:
                await store.outbox.forget_replies(keys)
        except BaseException:
            self._sent[:0] = keys
            raise

    async def stop(self) -> None:
        """Delete what is left of the journal of replies sent: a graceful stop sends nothing twice."""
        if self._forgetting is not None:
            self._forgetting.cancel()
            await asyncio.gather(self._forgetting, return_exceptions=True)
        await self.flush()

    async def send(self, event: Event, replies: Sequence[Reply]) -> None:
        """Journal replies made outside a step (in a transaction of their own), then send them."""
        async with self._database.transaction() as store:
            identity = await store.identities.seen(event.channel, event.external_id, chat_ref=event.chat_ref,
                                                   display_name=event.display_name, now=self._clock.now())
            journal = await self._journal(store, identity, event, replies)
        await self._deliver(event, journal)

    async def _deliver(self, event: Event, journal: Sequence[tuple[str, Reply]]) -> None:
        """Send the journalled replies in order, retrying; hand what cannot go now to the outbox."""
        if journal and await self._is_behind(event):
            await self._hand_over(event, journal)
            return
        for index, (_, reply) in enumerate(journal):
            outcome = await self._send_one(event, reply)
            if outcome is Outcome.LATER:
                self._forget_soon(journal[:index])
                await self.flush()  # at once: with Telegram away, no next step may come soon
                await self._hand_over(event, journal[index:])
                return
            if outcome is Outcome.GONE:  # blocked: nothing more goes to them
                break
        self._forget_soon(journal)

    async def _journal(self, store: SqlStore, identity: Identity, event: Event,
                       replies: Sequence[Reply]) -> list[tuple[str, Reply]]:
        """Write the turn's channel messages as `replying` rows: a worker dying before it sent them loses none.

        A picture drawn in memory cannot be kept in a row: it is sent, but not journalled.
        """
        parts = [part for reply in replies for part in self._split(reply)]
        messages, journal = [], []
        for index, part in enumerate(parts):
            key = reply_key(event, index)
            journal.append((key, part))
            payload = _payload(event, part)
            if payload is not None:
                messages.append(NewMessage(key, identity.id, payload, Priority.URGENT, batch=lane(identity.id),
                                           kind=MessageKind.REPLY_FALLBACK))
        await store.outbox.journal(messages, self._clock.now())
        return journal

    def _take_sent(self) -> list[str]:
        keys, self._sent = self._sent, []
        return keys

    def _forget_soon(self, sent: Sequence[tuple[str, Reply]]) -> None:
        """Leave the rows of replies sent to the next step's transaction, or to a flush if none comes soon."""
        self._sent.extend(key for key, _ in sent)
        if self._sent and self._forgetting is None:
            self._forgetting = asyncio.create_task(self._flush_later())

    async def _flush_later(self) -> None:
        try:
            while self._sent:  # rows sent meanwhile are flushed too: none is left to be sent again
                await asyncio.sleep(FORGET_AFTER_SECONDS)
                try:
                    await self.flush()
                except Exception:  # tried again (or taken by a step) a little later
                    log.warning("could not delete the journal of replies sent", exc_info=True)
        finally:
            self._forgetting = None

    async def _send_one(self, event: Event, reply: Reply) -> Outcome:
        backoff = self._settings.backoff_seconds
        for attempt in range(1, self._settings.attempts + 1):
            try:
                await self._channel.send(event.chat_ref, reply, edit_ref=event.message_ref)
                return Outcome.SENT
            except RateLimitedError as error:
                self._on_flood(error.retry_after)
                wait = error.retry_after.total_seconds()
                if wait > self._settings.max_wait_seconds:
                    return Outcome.LATER
            except TemporaryError as error:
                log.info("reply to update %s failed (attempt %d): %s", event.update_ref, attempt, error)
                wait, backoff = backoff, backoff * 2
            except UnreachableError:
                log.info("reply to update %s not delivered: the person blocked the bot", event.update_ref)
                return Outcome.GONE
            except PermanentError as error:  # retrying will not help; the turn's other replies still go
                log.warning("reply to update %s refused: %s", event.update_ref, error)
                return Outcome.SENT
            if attempt < self._settings.attempts:
                await self._sleep(wait)
        return Outcome.LATER

    async def _hand_over(self, event: Event, journal: Sequence[tuple[str, Reply]]) -> None:
        """Let the dispatcher send what Telegram refuses now; the person's later replies queue behind it."""
        now = self._clock.now()
        async with self._database.transaction() as store:
            identity = await store.identities.find(event.channel, event.external_id)
            await store.outbox.hand_over_replies([key for key, _ in journal], now)
        if identity is None:
            return
        log.warning("Telegram unavailable: %d reply(ies) to update %s queued in the outbox", len(journal),
                    event.update_ref)
        self._behind[event.chat_ref] = identity.id
        self.queued += len(journal)
        self._on_queued()

    async def _is_behind(self, event: Event) -> bool:
        """Whether this chat still has replies waiting in the outbox (so new ones must queue behind)."""
        identity_id = self._behind.get(event.chat_ref)
        if identity_id is None:
            return False
        async with self._database.transaction() as store:
            waiting = (await store.outbox.progress(lane(identity_id), self._clock.now())).pending
        if not waiting:
            del self._behind[event.chat_ref]
        return waiting > 0


def _payload(event: Event, reply: Reply) -> dict[str, object] | None:
    try:
        return to_payload(reply)
    except ValueError:  # an image drawn in memory: the outbox carries files by path or reference only
        # By design, not a fault (every /score draws its chart): such a picture illustrates the turn's text
        # replies, which are journalled; a dying worker may lose the picture, never the answer. A warning
        # here filled the log (and the demo's screen).
        log.debug("a reply to update %s carries a picture in memory and is not journalled", event.update_ref)
        return None
