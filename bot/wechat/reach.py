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
from storage.database import Database
from storage.wechat_routing import WechatSubscriptionRepository, WechatWindowRepository
from village.clock import Clock

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
    answers = {item.template_id: item.status for item in received.items}
    await keep_answers(connection, received.open_id, answers, now, long_term=long_term)


async def keep_answers(connection: AsyncConnection, open_id: str, answers: dict[str, str], now: datetime, *,
                       long_term: Collection[str]) -> None:
    """Record each template's answer ("accept" or "reject"; anything else changes nothing)."""
    subscriptions = WechatSubscriptionRepository(connection)
    for template_id, status in answers.items():
        if status == ACCEPT:
            await subscriptions.accept(open_id, template_id, now, long_term=template_id in long_term)
        elif status == REJECT:
            await subscriptions.refuse(open_id, template_id, now)


class PageAnswers:
    """Keeps what a person accepted or refused on the reminder-settings page (bot/wechat/pages)."""

    def __init__(self, database: Database, clock: Clock, long_term: Collection[str]) -> None:
        self._database, self._clock, self._long_term = database, clock, frozenset(long_term)

    async def __call__(self, open_id: str, answers: dict[str, str]) -> None:
        """Record each template's answer."""
        async with self._database.transaction() as store:
            await keep_answers(store.connection, open_id, answers, self._clock.now(), long_term=self._long_term)
