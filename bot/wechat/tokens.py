"""The access token: cached in memory and in the database, refreshed before it expires.

`cgi-bin/stable_token` in normal mode returns the same token while it is valid, so several processes
sharing an account do not invalidate each other's; `force_refresh` is used only when WeChat rejected
the very token that normal mode hands back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from village.clock import Clock

REFRESH_MARGIN = timedelta(minutes=5)  # refresh early: a token used right at its expiry fails in flight
# Normal mode hands back the same token until it expires; once it did, use it nearly to the end
# rather than asking again on every call.
IN_FLIGHT_MARGIN = timedelta(seconds=10)


@dataclass(frozen=True)
class AccessToken:
    """A token, when it expires, and when we got it."""

    value: str
    expires_at: datetime
    fetched_at: datetime

    def use_until(self) -> datetime:
        """Return when to stop using it: early, unless WeChat gave it back with little time left."""
        margin = REFRESH_MARGIN if self.expires_at - self.fetched_at > REFRESH_MARGIN else IN_FLIGHT_MARGIN
        return self.expires_at - margin


Fetch = Callable[[bool], Coroutine[Any, Any, AccessToken]]  # force_refresh -> a new token


class TokenStore(Protocol):
    """Where tokens outlive the process."""

    async def load(self, app_id: str) -> AccessToken | None:
        """Return the stored token, if any."""
        ...

    async def save(self, app_id: str, token: AccessToken) -> None:
        """Store the token."""
        ...


class MemoryTokenStore:
    """A store that lives as long as the process: for tests and tools without a database."""

    def __init__(self) -> None:
        self.saved: dict[str, AccessToken] = {}

    async def load(self, app_id: str) -> AccessToken | None:
        """Return the stored token, if any."""
        return self.saved.get(app_id)

    async def save(self, app_id: str, token: AccessToken) -> None:
        """Store the token."""
        self.saved[app_id] = token


class AccessTokens:
    """Hands out a valid token, fetching one only when none is cached."""

    def __init__(self, app_id: str, fetch: Fetch, store: TokenStore, clock: Clock) -> None:
        self._app_id, self._fetch, self._store, self._clock = app_id, fetch, store, clock
        self._token: AccessToken | None = None
        self._lock = asyncio.Lock()  # one fetch at a time, however many sends wait for it

    async def current(self) -> str:
        """Return a token valid for a while yet."""
        token = self._token
        if token is None or not self._fresh(token):
            async with self._lock:
                token = self._token
                if token is None or not self._fresh(token):
                    stored = await self._store.load(self._app_id)
                    token = stored if stored and self._fresh(stored) else await self._renew(force=False)
                    self._token = token
        return token.value

    async def replace(self, rejected: str) -> str:
        """Return a token other than the one WeChat just rejected."""
        async with self._lock:
            if self._token is not None and self._token.value != rejected and self._fresh(self._token):
                return self._token.value  # another call already replaced it
            token = await self._renew(force=False)
            if token.value == rejected:
                token = await self._renew(force=True)
            self._token = token
            return token.value

    async def _renew(self, *, force: bool) -> AccessToken:
        token = await self._fetch(force)
        await self._store.save(self._app_id, token)
        return token

    def _fresh(self, token: AccessToken) -> bool:
        return self._clock.now() < token.use_until()
