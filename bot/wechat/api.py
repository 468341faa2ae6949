"""The transport to WeChat's API: the token in every call, errcodes parsed, token refresh, paused routes."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx

from bot.wechat.errors import (
    DAILY_QUOTA,
    TOKEN_CODES,
    DailyQuotaError,
    PermanentError,
    TransientError,
    WechatApiError,
    error_for,
)
from bot.wechat.pauses import RoutePauses
from bot.wechat.tokens import AccessToken, AccessTokens, TokenStore
from village.clock import Clock

TOKEN_ROUTE = "cgi-bin/stable_token"

Answer = dict[str, Any]


class WechatApi:
    """Calls `base_url/cgi-bin/...` with a valid access token and turns refusals into typed errors."""

    def __init__(self, http: httpx.AsyncClient, *, base_url: str, app_id: str, app_secret: str,
                 store: TokenStore, clock: Clock, pauses: RoutePauses | None = None) -> None:
        self._http, self._base = http, base_url.rstrip("/")
        self._app_id, self._secret, self._clock = app_id, app_secret, clock
        self.tokens = AccessTokens(app_id, self._fetch_token, store, clock)
        self.pauses = pauses or RoutePauses(clock)

    async def call(self, route: str, *, payload: Answer | None = None, params: dict[str, str] | None = None,
                   files: dict[str, Any] | None = None, method: str = "POST") -> Answer:
        """Call a `cgi-bin/...` route and return WeChat's JSON answer once its errcode is 0."""
        response = await self.request(route, payload=payload, params=params, files=files, method=method)
        return _json(response, route)

    async def request(self, route: str, *, payload: Answer | None = None, params: dict[str, str] | None = None,
                      files: dict[str, Any] | None = None, method: str = "POST") -> httpx.Response:
        """Send a request with the token; on a token errcode refresh once and retry; raise on errcodes."""
        if (until := self.pauses.paused_until(route)) is not None:
            raise DailyQuotaError(DAILY_QUOTA, "paused until the quota renews", route, until=until)
        token = await self.tokens.current()
        response = await self._send(method, route, token, payload, params, files)
        if _errcode(response) in TOKEN_CODES:
            token = await self.tokens.replace(token)
            response = await self._send(method, route, token, payload, params, files)
        await self._raise_for_errcode(response, route)
        return response

    async def _send(self, method: str, route: str, token: str, payload: Answer | None,
                    params: dict[str, str] | None, files: dict[str, Any] | None) -> httpx.Response:
        query = {**(params or {}), "access_token": token}
        content = json.dumps(payload, ensure_ascii=False).encode() if payload is not None else None
        try:
            response = await self._http.request(method, f"{self._base}/{route}", params=query, content=content,
                                                files=files)
        except httpx.TimeoutException as error:  # sent, but we cannot know whether WeChat acted on it
            raise TransientError(None, type(error).__name__, route, outcome_unknown=True) from None
        except httpx.TransportError as error:
            raise TransientError(None, type(error).__name__, route) from None
        if response.status_code >= 500:
            raise TransientError(None, f"HTTP {response.status_code}", route, outcome_unknown=True)
        if response.status_code >= 400:
            raise PermanentError(None, f"HTTP {response.status_code}", route)
        return response

    async def _raise_for_errcode(self, response: httpx.Response, route: str) -> None:
        errcode = _errcode(response)
        if not errcode:
            return
        answer = _json_or_empty(response)
        errmsg = str(answer.get("errmsg", ""))
        if errcode == DAILY_QUOTA:
            raise DailyQuotaError(errcode, errmsg, route, until=await self.pauses.pause(route), answer=answer)
        raise error_for(errcode, errmsg, route, answer)

    async def _fetch_token(self, force: bool) -> AccessToken:
        body = {"grant_type": "client_credential", "appid": self._app_id, "secret": self._secret,
                "force_refresh": force}
        try:
            response = await self._http.post(f"{self._base}/{TOKEN_ROUTE}", json=body)
        except httpx.TransportError as error:
            raise TransientError(None, type(error).__name__, TOKEN_ROUTE) from None
        if response.status_code >= 500:
            raise TransientError(None, f"HTTP {response.status_code}", TOKEN_ROUTE)
        answer = _json(response, TOKEN_ROUTE)
        if errcode := int(answer.get("errcode") or 0):
            raise error_for(errcode, str(answer.get("errmsg", "")), TOKEN_ROUTE)
        try:
            value, lifetime = str(answer["access_token"]), timedelta(seconds=int(answer["expires_in"]))
        except (KeyError, TypeError, ValueError):
            raise PermanentError(None, "token answer without access_token and expires_in", TOKEN_ROUTE) from None
        now = self._clock.now()
        return AccessToken(value, now + lifetime, now)


def _errcode(response: httpx.Response) -> int:
    """Return the answer's errcode; 0 for success and for binary bodies (media downloads)."""
    try:
        return int(_json_or_empty(response).get("errcode") or 0)
    except (TypeError, ValueError):
        return 0


def _json_or_empty(response: httpx.Response) -> Answer:
    if "json" not in response.headers.get("content-type", "") and not response.content.startswith(b"{"):
        return {}
    try:
        answer = response.json()
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _json(response: httpx.Response, route: str) -> Answer:
    try:
        answer = response.json()
    except ValueError:
        raise PermanentError(None, "answer is not JSON", route) from None
    if not isinstance(answer, dict):
        raise PermanentError(None, "answer is not a JSON object", route)
    return answer


__all__ = ["Answer", "WechatApi", "WechatApiError"]
