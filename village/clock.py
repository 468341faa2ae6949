"""Time as the domain sees it: always timezone-aware UTC, from an injectable clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Tells the current time."""

    def now(self) -> datetime:
        """Return the current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """Return the wall-clock time in UTC."""
        return datetime.now(UTC)


class ManualClock:
    """A clock that moves only when told to: for tests and the demo."""

    def __init__(self, start: datetime) -> None:
        self._now = as_utc(start)

    def now(self) -> datetime:
        """Return the time this clock was set to."""
        return self._now

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward by `delta`."""
        self._now += delta

    def set(self, moment: datetime) -> None:
        """Jump to `moment`."""
        self._now = as_utc(moment)


def as_utc(moment: datetime) -> datetime:
    """Convert an aware datetime to UTC; refuse naive ones, whose zone is a guess."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: attach a timezone first")
    return moment.astimezone(UTC)
