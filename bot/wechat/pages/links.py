"""Signed, expiring links to the pages: only a link we made opens a page, and only until it expires.

A link carries its expiry (`e`, Unix seconds) and an HMAC-SHA256 (`s`, 128 bits) over the page's path and
that expiry, keyed from `wechat.pages_key` or, when none is set, from the app secret (never the secret itself,
so a leaked link key does not give the account away).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from datetime import timedelta
from urllib.parse import urlencode

from bot.wechat.events import CHANNEL
from village.clock import Clock

SIGNATURE_BYTES = 16  # 128 bits: forging one is hopeless, and the link stays short enough to tap


def derive_key(pages_key: str, app_secret: str) -> bytes:
    """Return the signing key: the configured pages key, else one derived from the app secret."""
    if pages_key:
        return pages_key.encode()
    return hmac.new(app_secret.encode(), b"hemei wechat pages", hashlib.sha256).digest()


class PageLinks:
    """Makes and checks the links of the pages served under `base_url` (the public URL of PAGES_PATH)."""

    def __init__(self, key: bytes, base_url: str, clock: Clock, *, lifetime: timedelta) -> None:
        if not key:
            raise ValueError("a page link key is required")
        self._key, self._base, self._clock, self._lifetime = key, base_url.rstrip("/"), clock, lifetime

    @property
    def base_url(self) -> str:
        """Return the public URL the pages are served under."""
        return self._base

    def settings(self, open_id: str | None = None) -> str:
        """Return a link to the reminder-settings page; with an OpenID, one that keeps that person's answers."""
        return self.url(f"/settings/{open_id}" if open_id else "/settings")

    def message(self, ref: str) -> str:
        """Return a link to the page of a kept message (what a teaser opens)."""
        return self.url(f"/m/{ref}")

    def download(self, ref: str) -> str:
        """Return a link to the download page of a kept file."""
        return self.url(f"/f/{ref}")

    def url(self, path: str, *, expires: int | None = None) -> str:
        """Return a signed link to `path` (e.g. "/m/REF"), valid for the lifetime or until `expires`."""
        expires = expires or int((self._clock.now() + self._lifetime).timestamp())
        return f"{self._base}{path}?{urlencode({'e': expires, 's': self._sign(path, str(expires))})}"

    def valid(self, path: str, query: Mapping[str, str]) -> bool:
        """Tell whether a request's path and query carry our signature and have not expired.

        Only `e` and `s` count: WeChat adds parameters of its own (`from=singlemessage`) to shared links.
        """
        signature, expires = query.get("s", ""), query.get("e", "")
        if not expires.isdigit() or not signature:
            return False
        if not hmac.compare_digest(signature.encode(), self._sign(path, expires).encode()):
            return False
        return self._clock.now().timestamp() < int(expires)

    def _sign(self, path: str, expires: str) -> str:
        digest = hmac.new(self._key, f"{path}?e={expires}".encode(), hashlib.sha256).digest()[:SIGNATURE_BYTES]
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class ReminderSettingsLinks:
    """Each WeChat follower's own link to the reminder-settings page, for the ⚙️ Settings reply
    (`handlers.context.ReminderPages`)."""

    def __init__(self, links: PageLinks) -> None:
        self._links = links

    def settings_link(self, channel: str, external_id: str) -> str | None:
        """Return the signed link that keeps this person's answers; None for an account on another channel."""
        return self._links.settings(external_id) if channel == CHANNEL else None
