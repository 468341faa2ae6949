"""Push signatures: SHA-1 over the sorted parts, compared in constant time, within a timestamp window."""

from __future__ import annotations

import hashlib
import hmac

MAX_CLOCK_SKEW_SECONDS = 300


def signature(*parts: str) -> str:
    """Return WeChat's signature: the SHA-1 hex digest of the parts sorted and joined."""
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def signature_matches(given: str, *parts: str) -> bool:
    """Return whether `given` is the signature of `parts`, without leaking where they differ."""
    return hmac.compare_digest(given.encode(), signature(*parts).encode())


def timestamp_fresh(timestamp: str, now: float) -> bool:
    """Return whether a push's timestamp (seconds) is within the allowed skew of `now`, refusing replays."""
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        return False
    return abs(int(timestamp) - now) <= MAX_CLOCK_SKEW_SECONDS
