"""What the dispatcher needs from a channel, and how a channel reports a failed delivery."""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

from handlers.replies import Reply


class DeliveryError(Exception):
    """A send did not go through."""


class UnreachableError(DeliveryError):
    """The person blocked the bot or deleted their account: stop sending."""


class NotReachableNowError(DeliveryError):
    """The channel cannot reach the person right now (WeChat: no open customer-service window).

    Not a block: the person stays reachable and later messages are tried; this one is not retried.
    """


class RoutePausedError(DeliveryError):
    """This channel's route is paused until `retry_after` has passed (WeChat's daily quota, 45009).

    Unlike a flood wait it holds only this message, not every channel's sends.
    """

    def __init__(self, retry_after: timedelta) -> None:
        super().__init__(f"route paused for {retry_after.total_seconds():.0f}s")
        self.retry_after = retry_after


class RateLimitedError(DeliveryError):
    """The channel asked us to wait before sending again."""

    def __init__(self, retry_after: timedelta) -> None:
        super().__init__(f"retry after {retry_after.total_seconds():.0f}s")
        self.retry_after = retry_after


class TemporaryError(DeliveryError):
    """A network hiccup or server error: try again later."""


class PermanentError(DeliveryError):
    """The request itself is wrong (bad chat, bad file): retrying will not help."""


class Channel(Protocol):
    """Sends rendered replies to a chat on one channel.

    A channel whose unreachable people may come back on their own (WeChat: following again) sets
    `keeps_for_return = True`: the dispatcher then parks their messages instead of giving up on them."""

    name: str
    keeps_for_return: bool

    async def send(self, chat_ref: str, reply: Reply, *, edit_ref: str | None = None) -> None:
        """Send one rendered reply (or, with `edit=True` and `edit_ref`, replace that message's text).

        `edit` is a hint: a channel that cannot edit sends `handlers.replies.without_edit(reply)`
        instead (a new message, or nothing for a skippable refresh). Raise a `DeliveryError`
        subclass on failure.
        """
        ...
