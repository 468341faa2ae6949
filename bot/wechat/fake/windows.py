"""The customer-service window as WeChat enforces it, for the fake server.

A person's own message opens 5 messages within 48 hours; a menu click, a QR scan, a follow or a tap
on a `msgmenu` option opens 3 within 1 minute. A new trigger replaces the window: counts do not add up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

WINDOW_CLOSED = 45015
WINDOW_QUOTA_USED = 45047


class Trigger(Enum):
    """What opened a window, with its (messages, duration)."""

    MESSAGE = (5, timedelta(hours=48))
    ACTION = (3, timedelta(minutes=1))

    @property
    def allowance(self) -> int:
        """Return how many messages the window allows."""
        return self.value[0]

    @property
    def duration(self) -> timedelta:
        """Return how long the window stays open."""
        return self.value[1]


@dataclass
class Window:
    """One person's current window."""

    trigger: Trigger
    opened_at: datetime
    used: int = 0

    def refusal(self, now: datetime) -> int | None:
        """Return the errcode a send would get now, or None when it may go."""
        if now >= self.opened_at + self.trigger.duration:
            return WINDOW_CLOSED
        return WINDOW_QUOTA_USED if self.used >= self.trigger.allowance else None


class Windows:
    """Every person's window."""

    def __init__(self) -> None:
        self._open: dict[str, Window] = {}

    def open(self, open_id: str, trigger: Trigger, now: datetime) -> None:
        """Start a fresh window for the person, replacing any earlier one."""
        self._open[open_id] = Window(trigger, now)

    def close(self, open_id: str) -> None:
        """Forget the person's window (they unfollowed)."""
        self._open.pop(open_id, None)

    def use(self, open_id: str, now: datetime) -> int | None:
        """Spend one message of the window; return the errcode instead when the send is refused."""
        window = self._open.get(open_id)
        refusal = window.refusal(now) if window else WINDOW_CLOSED
        if refusal is None and window is not None:
            window.used += 1
        return refusal
