"""Recognising WeChat's retries of a push in memory (the intake keeps them durably instead)."""

from __future__ import annotations

from collections import OrderedDict

from bot.wechat.inputs import DedupKey

# WeChat retries within about 15 s (three tries, 5 s apart); keep keys far longer than that.
KEEP_SECONDS = 600
MAX_KEYS = 100_000


class RecentInputs:
    """Remembers the keys of inputs seen lately, bounded in time and number."""

    def __init__(self, *, keep_seconds: float = KEEP_SECONDS, max_keys: int = MAX_KEYS) -> None:
        self._seen: OrderedDict[DedupKey, float] = OrderedDict()
        self._keep, self._max = keep_seconds, max_keys

    def first_time(self, key: DedupKey, now: float) -> bool:
        """Record the key; return whether it was not seen within the keeping period."""
        self._forget_before(now - self._keep)
        if key in self._seen:
            return False
        self._seen[key] = now
        if len(self._seen) > self._max:
            self._seen.popitem(last=False)
        return True

    def _forget_before(self, moment: float) -> None:
        while self._seen and next(iter(self._seen.values())) < moment:
            self._seen.popitem(last=False)


class DurableInputs(RecentInputs):
    """Lets every push through: the intake recognises retries by its durable `wechat_inbound` rows,
    and a retry whose first answer got lost must get the same passive reply, not a bare `success`."""

    def first_time(self, key: DedupKey, now: float) -> bool:
        """Return True: deduplication happens in the database."""
        return True
