"""Routes paused by WeChat's daily quota (45009) until midnight in Shanghai, when the quota renews.

`clear_quota` is never called automatically: it is itself limited, and an emptied quota means
something is sending far too much; the admin is alerted instead.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from village.clock import Clock

QUOTA_ZONE = ZoneInfo("Asia/Shanghai")

Alert = Callable[[str, datetime], Coroutine[Any, Any, None]]


def next_midnight(moment: datetime) -> datetime:
    """Return the next midnight in Shanghai after `moment`."""
    local = moment.astimezone(QUOTA_ZONE)
    return datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=QUOTA_ZONE)


class RoutePauses:
    """Which API routes are paused, and until when."""

    def __init__(self, clock: Clock, *, alert: Alert | None = None) -> None:
        self._clock, self._alert = clock, alert
        self._until: dict[str, datetime] = {}

    def paused_until(self, route: str) -> datetime | None:
        """Return when the route's pause ends, or None if it is not paused."""
        until = self._until.get(route)
        if until is not None and self._clock.now() >= until:
            del self._until[route]
            return None
        return until

    async def pause(self, route: str) -> datetime:
        """Pause the route until midnight; alert the admin the first time."""
        if (until := self.paused_until(route)) is not None:
            return until
        until = self._until[route] = next_midnight(self._clock.now())
        if self._alert is not None:
            await self._alert(route, until)
        return until
