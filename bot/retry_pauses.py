"""Pauses that grow with each failure in a row: the back-off of the outbox loop and of the WeChat intake."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPauses:
    """Seconds to wait after the first, second, ... failure in a row; the last one repeats."""

    seconds: tuple[float, ...]

    def __post_init__(self) -> None:
        if not self.seconds or min(self.seconds) < 0:
            raise ValueError("retry pauses: at least one, none negative")

    def after(self, failures: int) -> float:
        """Return the pause after `failures` failures in a row (1: the first)."""
        return self.seconds[min(max(failures, 1), len(self.seconds)) - 1]
