"""The JS-SDK's jsapi_ticket and the signature of `wx.config` (needed by `<wx-open-subscribe>`).

WeChat limits how often a ticket may be fetched, so it is cached exactly like the access token: in
memory and in the database (under the key `<app id>:jsapi`), refreshed a few minutes early.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from bot.wechat.api import WechatApi
from bot.wechat.errors import PermanentError
from bot.wechat.tokens import AccessToken, AccessTokens, TokenStore
from village.clock import Clock

TICKET_ROUTE = "cgi-bin/ticket/getticket"


def signature(ticket: str, nonce: str, timestamp: int, url: str) -> str:
    """Return WeChat's JS-SDK signature: sha1 over the four fields sorted by name, as raw key=value pairs."""
    fields = {"jsapi_ticket": ticket, "noncestr": nonce, "timestamp": str(timestamp), "url": url.split("#")[0]}
    joined = "&".join(f"{name}={fields[name]}" for name in sorted(fields))
    return hashlib.sha1(joined.encode()).hexdigest()  # sha1: WeChat's algorithm, not our choice


@dataclass(frozen=True)
class JsConfig:
    """What `wx.config` takes for one page URL."""

    app_id: str
    timestamp: int
    nonce: str
    signature: str
    url: str


class JsapiTickets:
    """Hands out a valid jsapi_ticket and signs page URLs with it."""

    def __init__(self, api: WechatApi, app_id: str, store: TokenStore, clock: Clock) -> None:
        self._api, self._app_id, self._clock = api, app_id, clock
        self._tickets = AccessTokens(f"{app_id}:jsapi", self._fetch, store, clock)

    async def config(self, url: str) -> JsConfig:
        """Return the `wx.config` values for a page at `url` (without its #fragment)."""
        ticket = await self._tickets.current()
        timestamp, nonce = int(self._clock.now().timestamp()), secrets.token_urlsafe(12)
        page = url.split("#")[0]
        return JsConfig(self._app_id, timestamp, nonce, signature(ticket, nonce, timestamp, page), page)

    async def _fetch(self, force: bool) -> AccessToken:
        answer = await self._api.call(TICKET_ROUTE, params={"type": "jsapi"}, method="GET")
        try:
            value, lifetime = str(answer["ticket"]), timedelta(seconds=int(answer["expires_in"]))
        except (KeyError, TypeError, ValueError):
            raise PermanentError(None, "ticket answer without ticket and expires_in", TICKET_ROUTE) from None
        now = self._clock.now()
        return AccessToken(value, now + lifetime, now)
