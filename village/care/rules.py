"""Pure rules of the care list: when a visit is due, when it is overdue, when a visit is flagged."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from village.care.models import CareSubject, Flag, Visit, Wellbeing


def due_at(subject: CareSubject, last_visit: Visit | None) -> datetime:
    """Return when the next visit is due: one interval after the last visit, or after being put on the list."""
    start = last_visit.at if last_visit is not None else subject.added_at
    return start + subject.rhythm.interval


def is_due(due: datetime, at: datetime, notice: timedelta) -> bool:
    """Tell whether a visit due at `due` should be made now: it falls within `notice` of `at`, or earlier."""
    return due <= at + notice


def is_overdue(due: datetime, at: datetime, margin: timedelta) -> bool:
    """Tell whether a visit due at `due` is late by more than `margin` at `at` (then the cadres hear of it)."""
    return at > due + margin


def flag_of(visits_newest_first: Sequence[Visit]) -> Flag | None:
    """Return why the newest visit goes to the secretary: it found a problem, or 需要帮助 twice in a row."""
    if not visits_newest_first:
        return None
    newest = visits_newest_first[0]
    if newest.draft.problem:
        return Flag.PROBLEM
    recent = visits_newest_first[:2]
    if len(recent) == 2 and all(v.draft.wellbeing is Wellbeing.NEEDS_HELP for v in recent):
        return Flag.NEEDS_HELP_TWICE
    return None
