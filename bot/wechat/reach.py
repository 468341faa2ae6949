"""What a push tells about how we may reach the person: the window it opens, the subscriptions answered.

A person's own message opens 5 customer-service messages within 48 hours; a menu click, a QR scan, a
follow or a tap on a `msgmenu` option opens 3 within a minute; a new one replaces the old (WECHAT.md).
The window is dated by the push's `CreateTime`, so WeChat's retries of one push do not reopen it.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.wechat.inputs import (
    EventKind,
    Followed,
    Input,
    LocationSelected,
    MenuClicked,
    Message,
    PhotosChosen,
    SubscriptionsChanged,
    TextMessage,
)
from storage.wechat_routing import WechatSubscriptionRepository, WechatWindowRepository

MESSAGE_WINDOW = (5, timedelta(hours=48))
ACTION_WINDOW = (3, timedelta(minutes=1))
ACCEPT, REJECT = "accept", "reject"


def window_of(received: Input) -> tuple[int, timedelta] | None:
    """Return the (messages, duration) of the window the input opens, or None."""
    if isinstance(received, TextMessage) and received.menu_id is not None:
        return ACTION_WINDOW
    if isinstance(received, Message):
        return MESSAGE_WINDOW
    if isinstance(received, Followed | LocationSelected | PhotosChosen):
        return ACTION_WINDOW
    if isinstance(received, MenuClicked) and received.kind is EventKind.CLICK:
        return ACTION_WINDOW
    return None


async def open_window(connection: AsyncConnection, received: Input) -> None:
    """Record the window the input opened, if any."""
    window = window_of(received)
    if window is None:
        return
    allowance, lasts = window
    opened_at = datetime.fromtimestamp(received.created_at, UTC)
    await WechatWindowRepository(connection).open(received.open_id, opened_at, allowance=allowance, lasts=lasts)


async def record_subscriptions(connection: AsyncConnection, received: SubscriptionsChanged, now: datetime, *,
                               long_term: Collection[str]) -> None:
    """Keep what the person accepted or refused in a pop-up or in their settings."""
    if received.kind not in (EventKind.SUBSCRIBE_MSG_POPUP, EventKind.SUBSCRIBE_MSG_CHANGE):
        return  # a notification's outcome: a refusal of a send comes back as 43101 and is believed then
    subscriptions = WechatSubscriptionRepository(connection)
    for item in received.items:
        if item.status == ACCEPT:
            await subscriptions.accept(received.open_id, item.template_id, now,
                                       long_term=item.template_id in long_term)
        elif item.status == REJECT:
            await subscriptions.refuse(received.open_id, item.template_id, now)
