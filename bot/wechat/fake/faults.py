"""Faults the fake injects on command: errcodes (45009, -1, ...), HTTP errors, delays, daily quotas."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date


@dataclass
class Faults:
    """What goes wrong next, per route (e.g. "cgi-bin/message/custom/send")."""

    errcodes: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    delays: dict[str, float] = field(default_factory=dict)
    daily_quotas: dict[str, int] = field(default_factory=dict)
    _used: dict[tuple[str, date], int] = field(default_factory=lambda: defaultdict(int))

    def fail(self, route: str, errcode: int, *, times: int = 1) -> None:
        """Answer the route's next `times` calls with this errcode (on HTTP 200, as WeChat does)."""
        self.errcodes[route] += [errcode] * times

    def fail_http(self, route: str, status: int = 502, *, times: int = 1) -> None:
        """Answer the route's next `times` calls with this HTTP status."""
        self.statuses[route] += [status] * times

    def delay(self, route: str, seconds: float) -> None:
        """Delay every answer of the route (0 removes the delay)."""
        self.delays[route] = seconds

    async def wait_delay(self, route: str) -> None:
        """Hold an answer for the route's delay; lifting the delay (0) lets answers already held go at once."""
        started = time.monotonic()
        while (left := self.delays.get(route, 0) - (time.monotonic() - started)) > 0:  # noqa: ASYNC110 (a plain setting)
            await asyncio.sleep(min(left, 0.05))

    def limit_daily(self, route: str, calls: int) -> None:
        """Allow the route this many calls per day (Asia/Shanghai); then 45009 until midnight."""
        self.daily_quotas[route] = calls

    def next_status(self, route: str) -> int | None:
        """Return the injected HTTP status of this call, if any."""
        return self.statuses[route].pop(0) if self.statuses[route] else None

    def next_errcode(self, route: str, today: date) -> int | None:
        """Return the injected errcode of this call, or 45009 once the day's quota is used."""
        if self.errcodes[route]:
            return self.errcodes[route].pop(0)
        if route in self.daily_quotas:
            if self._used[route, today] >= self.daily_quotas[route]:
                return 45009
            self._used[route, today] += 1
        return None
