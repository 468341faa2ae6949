"""The limits on guessing a meeting's check-in code.

A 6-digit code has 900,000 values. Each person may type a wrong code a few times an
hour, and each meeting tolerates a few dozen wrong codes from everyone together; past
either limit, checking in by code stops and a cadre ticks people off the list instead.
So even many accounts guessing together have a chance of about 1 in 30,000 per meeting.
The failures are stored, so a restart does not reset the count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from village.consultation.meetings import Meeting

PERSON_LIMIT = 5  # wrong codes one person may type within PERSON_WINDOW
PERSON_WINDOW = timedelta(hours=1)
MEETING_LIMIT = 30  # wrong codes a meeting tolerates from everyone, for its whole check-in window


@dataclass(frozen=True)
class CheckIn:
    """The outcome of typing a code: the meeting checked into, or None and the tries left this hour."""

    meeting: Meeting | None
    attempts_left: int = 0


def person_locked(recent_failures: int) -> bool:
    """Tell whether a person typed too many wrong codes within the last PERSON_WINDOW."""
    return recent_failures >= PERSON_LIMIT


def meeting_locked(failures: int) -> bool:
    """Tell whether a meeting has had too many wrong codes to accept codes any more."""
    return failures >= MEETING_LIMIT


def attempts_left(recent_failures: int) -> int:
    """Return how many more wrong codes the person may type within the window."""
    return max(0, PERSON_LIMIT - recent_failures)
