"""Problem reports (问题上报): filing, handling from the card's buttons, my reports, the queue, the board."""

from __future__ import annotations

from handlers.conversations import Flow
from handlers.reports import filing, handling, views


def build() -> list[Flow]:
    """Return every report flow."""
    return [*filing.build(), handling.build(), *views.build()]


__all__ = ["build"]
