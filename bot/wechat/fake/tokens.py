"""The fake's access tokens: 2 hours each, expiry and rotation on command."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

TOKEN_LIFETIME = timedelta(hours=2)
INVALID_TOKEN, TOKEN_EXPIRED, TOKEN_MISSING = 40001, 42001, 41001


class FakeTokens:
    """Issues tokens as stable_token does: the same one while it is valid, unless forced."""

    def __init__(self) -> None:
        self._serial = itertools.count(1)
        self._current: tuple[str, datetime] | None = None
        self._expired: set[str] = set()
        self.issued: list[str] = []

    def stable(self, now: datetime, *, force: bool) -> tuple[str, int]:
        """Return the current token and its remaining seconds, minting one when none is valid or forced."""
        if force or self._current is None or now >= self._current[1]:
            self._mint(now)
        assert self._current is not None
        return self._current[0], int((self._current[1] - now).total_seconds())

    def check(self, token: str, now: datetime) -> int | None:
        """Return the errcode a call with this token gets, or None if it is valid."""
        if not token:
            return TOKEN_MISSING
        if self._current is None or token != self._current[0]:
            return TOKEN_EXPIRED if token in self._expired else INVALID_TOKEN
        return TOKEN_EXPIRED if now >= self._current[1] else None

    def expire(self) -> None:
        """Make the current token expire now (42001), as after two hours."""
        if self._current is not None:
            self._expired.add(self._current[0])
            self._current = None

    def rotate(self, now: datetime) -> None:
        """Replace the current token, as when something else fetched a new one (old one: 40001)."""
        self._mint(now)

    def _mint(self, now: datetime) -> None:
        token = f"FAKE_ACCESS_TOKEN_{next(self._serial):06d}_abcdefghijklmnop"
        self._current = (token, now + TOKEN_LIFETIME)
        self.issued.append(token)
