"""Signed short tokens for button payloads longer than a channel's buttons can carry.

A payload over the channel's limit (Telegram: 64 bytes) is stored in `callback_tokens` and the
button carries `~<id>.<mac>` instead; the MAC (HMAC-SHA256, keyed from the bot token, truncated)
stops a client from walking through other people's ids. When the press arrives the payload is
restored before the engine sees it; an unknown, expired or forged token becomes an empty payload,
which the engine answers like any stale button.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import timedelta

from storage.database import Database
from village.clock import Clock

MARK = "~"
LIFETIME = timedelta(days=30)
MAC_BYTES = 12  # 96 bits: forging one takes ~2**95 tries against a rate-limited bot
STALE = ""  # what a refused token becomes: data the engine treats as a stale button
_TOKEN = re.compile(r"~([0-9]{1,10})\.([A-Za-z0-9_-]{16})")


class CallbackTokens:
    """Swaps long payloads for short signed tokens, and back."""

    def __init__(self, database: Database, clock: Clock, secret: str, *, lifetime: timedelta = LIFETIME) -> None:
        # A key of its own, derived from the secret: the bot token itself never signs anything we hand out.
        self._key = hmac.new(secret.encode(), b"hemei callback tokens", hashlib.sha256).digest()
        self._database = database
        self._clock = clock
        self._lifetime = lifetime

    async def shorten(self, payload: str, limit: int) -> str:
        """Return `payload` if it fits in `limit` bytes, else a token standing for it."""
        if len(payload.encode()) <= limit:
            return payload
        now = self._clock.now()
        async with self._database.transaction() as store:
            token_id = await store.callback_tokens.issue(payload, now + self._lifetime)
        return f"{MARK}{token_id}.{self._mac(token_id)}"

    async def restore(self, data: str) -> str:
        """Return the payload a button's data stands for: itself, the stored payload, or STALE if refused."""
        if not data.startswith(MARK):
            return data
        match = _TOKEN.fullmatch(data)
        if match is None or not hmac.compare_digest(match[2], self._mac(int(match[1]))):
            return STALE
        async with self._database.transaction() as store:
            payload = await store.callback_tokens.payload(int(match[1]), self._clock.now())
        return STALE if payload is None else payload

    def _mac(self, token_id: int) -> str:
        digest = hmac.new(self._key, str(token_id).encode(), hashlib.sha256).digest()[:MAC_BYTES]
        return base64.urlsafe_b64encode(digest).decode()
