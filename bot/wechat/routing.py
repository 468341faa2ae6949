"""The route of each outgoing WeChat message, chosen per recipient at send time (WECHAT.md's order):

    1. a customer-service message while the person's window is open (our prediction, corrected by 45015/45047);
       when we know it is closed we do not even try;
    2. a subscription notification, if the person accepted the kind's template (a teaser of 20 characters
       that opens the full text on a signed page);
    3. for the formal monthly items only (`MONTHLY_FORMAL_KINDS`): a mass send, at most 4 per person and
       month (counted here; WeChat counts too), idempotent by `clientmsgid` = the outbox key;
    4. a template message, if `[wechat.templates]` names one for the kind (a teaser, followers only);
    5. otherwise `NotReachableNowError`: the dispatcher parks the row, and it is delivered (summarised if
       many, see `summaries.py`) when the person next writes.
Quiet hours were applied before: a row held back by them only becomes due, and is routed, when they end.
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from collections.abc import Awaitable, Callable
from typing import TypeVar
from zoneinfo import ZoneInfo

from bot.channels import NotReachableNowError, TemporaryError
from bot.i18n import Catalogs
from bot.retry_pauses import patiently
from bot.wechat.client import WechatClient
from bot.wechat.errors import NotFollowerError, NotSubscribedError, RerouteError
from bot.wechat.pages.assembly import PageKit
from bot.wechat.settings import WechatSettings
from bot.wechat.texts import split_text
from handlers.replies import Reply
from handlers.texts import _
from storage.database import Database, is_transient
from storage.store import SqlStore
from storage.wechat_routing import WechatMassCountRepository, WechatSubscriptionRepository, WechatWindowRepository
from village.clock import Clock
from village.outbox import MONTHLY_FORMAL_KINDS, DeliveryRoute, OutboxItem

MASS_SENDS_PER_MONTH = 4
CLIENT_MSG_ID_CHARS = 64
THING_MAX_CHARS = 20  # a `thing` field of a subscription or template message (47003 beyond)
PAGE_TITLE = _("A message from the village")
ZONE = ZoneInfo("Asia/Shanghai")
# A busy pool (a flood of steps holding every connection) frees one within a step's time: wait that long.
DATABASE_PAUSES = (0.05, 0.2, 0.5, 1.0)

log = logging.getLogger(__name__)
T = TypeVar("T")

SendCustom = Callable[[str, Reply], Awaitable[int]]  # sends customer-service messages; returns how many


class WechatRouter:
    """Chooses and takes the route of one outbox row to one OpenID."""

    def __init__(self, client: WechatClient, database: Database, clock: Clock, settings: WechatSettings, *,
                 pages: PageKit | None, catalogs: Catalogs, locale: str) -> None:
        self._client, self._database, self._clock, self._settings = client, database, clock, settings
        self._pages, self._catalogs, self._locale = pages, catalogs, locale

    async def deliver(self, item: OutboxItem, reply: Reply, send_custom: SendCustom) -> DeliveryRoute:
        """Send by the first route that can carry the message; raise NotReachableNowError if none can."""
        open_id = item.chat_ref
        if await self._customer_service(open_id, reply, send_custom):
            return DeliveryRoute.CUSTOMER_SERVICE
        # The other routes carry text only: a picture (the board, the digest's chart) would be lost on them,
        # so such a message waits for the person's next message, when it goes out whole.
        if reply.attachment is None:
            if await self._subscription(item, reply):
                return DeliveryRoute.SUBSCRIPTION
            if item.kind in MONTHLY_FORMAL_KINDS and await self._mass(item, reply):
                return DeliveryRoute.MASS
            if await self._template(item, reply):
                return DeliveryRoute.TEMPLATE
        raise NotReachableNowError("wechat: no window, subscription or template for " + item.kind.value)

    async def _customer_service(self, open_id: str, reply: Reply, send_custom: SendCustom) -> bool:
        if not await self._before_send(lambda store: WechatWindowRepository(store.connection).is_open(
                open_id, self._clock.now())):
            return False
        try:
            used = await send_custom(open_id, reply)
        except RerouteError:  # WeChat knows better: the window is closed or used up until they write again
            await self._before_send(lambda store: WechatWindowRepository(store.connection).close(open_id))
            return False
        await self._after_send(lambda store: WechatWindowRepository(store.connection).use(open_id, used))
        return True

    async def _subscription(self, item: OutboxItem, reply: Reply) -> bool:
        template = self._settings.subscriptions.get(item.kind.value)
        if not template:
            return False
        if not await self._before_send(
                lambda store: WechatSubscriptionRepository(store.connection).accepted(item.chat_ref, template)):
            return False
        data, link = self._teaser(reply, template)
        try:
            await self._client.send_subscription(item.chat_ref, template, data, page=link)
        except NotSubscribedError:  # used up or withdrawn: believe WeChat
            await self._before_send(lambda store: WechatSubscriptionRepository(store.connection).refuse(
                item.chat_ref, template, self._clock.now()))
            return False
        if template not in self._settings.long_term_templates:
            await self._after_send(lambda store: WechatSubscriptionRepository(store.connection).use(
                item.chat_ref, template, self._clock.now()))
        return True

    async def _mass(self, item: OutboxItem, reply: Reply) -> bool:
        """Mass-send the message to this one person, within their 4 a month.

        mass/send by OpenID list takes at least two OpenIDs, so the person's is listed twice (one person,
        one message: to be confirmed on a real account before launch, see the report of this change).
        """
        month = self._clock.now().astimezone(ZONE).strftime("%Y-%m")
        if await self._before_send(lambda store: WechatMassCountRepository(store.connection).sent(
                item.chat_ref, month)) >= MASS_SENDS_PER_MONTH:
            return False
        full = str(reply.text)
        parts = split_text(full) or [""]
        text = parts[0] if len(parts) == 1 else " ".join(p for p in (teaser_text(full), self._link(reply)) if p)
        try:
            await self._client.mass_send_text([item.chat_ref, item.chat_ref], text,
                                              client_msg_id=client_msg_id(item.key))
        except RerouteError:
            return False
        await self._after_send(lambda store: WechatMassCountRepository(store.connection).count(item.chat_ref, month))
        return True

    async def _template(self, item: OutboxItem, reply: Reply) -> bool:
        template = self._settings.templates.get(item.kind.value)
        if not template:
            return False
        data, link = self._teaser(reply, template)
        try:
            await self._client.send_template(item.chat_ref, template, data, url=link)
        except NotFollowerError:
            return False
        return True

    async def _before_send(self, work: Callable[[SqlStore], Awaitable[T]]) -> T:
        """Bookkeeping while nothing went out: a database still busy after the pauses fails this delivery
        as temporary (the dispatcher tries it again later) instead of killing it, with the row left `sending`."""
        try:
            return await patiently(self._database, work, DATABASE_PAUSES)
        except Exception as error:
            if is_transient(error):
                raise TemporaryError(f"wechat: database busy: {error}") from error
            raise

    async def _after_send(self, work: Callable[[SqlStore], Awaitable[object]]) -> None:
        """Bookkeeping of a message that went out: a database still busy costs only this note (a window's
        count, a used subscription), never the delivery, which failing would send the message twice."""
        try:
            await patiently(self._database, work, DATABASE_PAUSES)
        except Exception as error:  # raising would have the dispatcher send it again
            if not is_transient(error):
                log.exception("wechat: a sent message could not be noted")
                return
            log.warning("wechat: a sent message could not be noted: %s", error)

    def _teaser(self, reply: Reply, template: str) -> tuple[dict[str, str], str]:
        """Return a notification's fields (the message's start, and now, under the template's keywords) and its
        page link."""
        text = str(reply.text)
        when = self._clock.now().astimezone(ZONE).strftime("%Y年%m月%d日 %H:%M")
        fields = self._settings.fields_of(template)
        return {fields.text: teaser_text(text), fields.time: when}, self._link(reply)

    def _link(self, reply: Reply) -> str:
        """Return a signed link to a page with the full text ("" without pages: the teaser alone)."""
        if self._pages is None:
            return ""
        title = self._catalogs.text(PAGE_TITLE, self._locale)
        return self._pages.links.message(self._pages.store.put_message(title, str(reply.text)))


def client_msg_id(key: str) -> str:
    """Return the mass send's `clientmsgid` for an outbox key (WeChat takes at most 64 characters)."""
    return key if len(key) <= CLIENT_MSG_ID_CHARS else hashlib.sha1(key.encode()).hexdigest()


def teaser_text(text: str, limit: int = THING_MAX_CHARS) -> str:
    """Return a `thing` field: the text's start on one line, without emoji, at most 20 characters."""
    plain = " ".join(_plain(text).split())
    return plain if len(plain) <= limit else plain[:limit - 1] + "…"


def _plain(text: str) -> str:
    """Drop emoji and other symbols: template fields refuse them."""
    return "".join(c for c in text if unicodedata.category(c) != "So" and ord(c) < 0x10000
                   and unicodedata.category(c) != "Cs")
