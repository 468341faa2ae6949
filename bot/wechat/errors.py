"""What WeChat's API answers when it refuses: every `errcode` (also on HTTP 200) as a typed error.

    WechatApiError(errcode, errmsg, route)
    ├── RerouteError          this route cannot reach the person now: try the next one, do not retry
    │   ├── WindowClosedError      45015  no customer-service window (or the person unfollowed)
    │   ├── WindowUsedUpError      45047  the window's messages are used up
    │   ├── NotSubscribedError     43101  no subscription (or a one-time one already used)
    │   └── NotFollowerError       43004  template messages need a follower
    ├── TokenRejectedError    40001 40014 42001 still after one refresh and retry
    ├── DailyQuotaError       45009  the route is paused until midnight Asia/Shanghai (`until`)
    ├── TransientError        -1, HTTP 5xx, a network failure; `outcome_unknown` once a request was sent
    └── PermanentError        anything else: bad OpenID, a field too long (47003), an expired media id ...
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

TOKEN_CODES = frozenset({40001, 40014, 42001})
DAILY_QUOTA = 45009
SYSTEM_BUSY = -1
MASS_SEND_DUPLICATE = 45065  # the same clientmsgid was sent before: the answer names that job's msg_id


class WechatApiError(Exception):
    """WeChat refused a call."""

    def __init__(self, errcode: int | None, errmsg: str, route: str, *, answer: dict[str, Any] | None = None) -> None:
        super().__init__(f"{route}: {errcode} {errmsg}")
        self.errcode, self.errmsg, self.route = errcode, errmsg, route
        self.answer = answer or {}


class RerouteError(WechatApiError):
    """This route cannot reach the person now; route the message another way."""


class WindowClosedError(RerouteError):
    """45015: the customer-service window is closed, or the person unfollowed."""


class WindowUsedUpError(RerouteError):
    """45047: the window's messages are used up."""


class NotSubscribedError(RerouteError):
    """43101: the person has no (unused) subscription to this template."""


class NotFollowerError(RerouteError):
    """43004: the person does not follow the account."""


class TokenRejectedError(WechatApiError):
    """The access token was refused even after a refresh."""


class DailyQuotaError(WechatApiError):
    """45009: the day's quota of this route is used up; it is paused until `until`."""

    def __init__(self, errcode: int | None, errmsg: str, route: str, *, until: datetime,
                 answer: dict[str, Any] | None = None) -> None:
        super().__init__(errcode, errmsg, route, answer=answer)
        self.until = until


class TransientError(WechatApiError):
    """A failure that may pass: WeChat busy, a 5xx, the network. A send may or may not have happened."""

    def __init__(self, errcode: int | None, errmsg: str, route: str, *, outcome_unknown: bool = False,
                 answer: dict[str, Any] | None = None) -> None:
        super().__init__(errcode, errmsg, route, answer=answer)
        self.outcome_unknown = outcome_unknown


class PermanentError(WechatApiError):
    """A refusal that repeating will not change."""


_REROUTES: dict[int, type[RerouteError]] = {
    45015: WindowClosedError, 45047: WindowUsedUpError, 43101: NotSubscribedError, 43004: NotFollowerError,
}


def error_for(errcode: int, errmsg: str, route: str, answer: dict[str, Any] | None = None) -> WechatApiError:
    """Return the typed error of a non-zero errcode (45009 is raised by the client, which knows the pause)."""
    if errcode in _REROUTES:
        return _REROUTES[errcode](errcode, errmsg, route, answer=answer)
    if errcode in TOKEN_CODES:
        return TokenRejectedError(errcode, errmsg, route, answer=answer)
    if errcode == SYSTEM_BUSY:
        return TransientError(errcode, errmsg, route, answer=answer)
    return PermanentError(errcode, errmsg, route, answer=answer)
