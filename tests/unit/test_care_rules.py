"""The care list's pure rules: when a visit is due or overdue, and which visits go to the secretary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from village.care.models import CareCategory, CareSubject, Flag, Rhythm, Visit, VisitDraft, Wellbeing
from village.care.policy import CarePolicy
from village.care.rules import due_at, flag_of, is_due, is_overdue

ADDED = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)


def subject(rhythm: Rhythm = Rhythm.WEEKLY) -> CareSubject:
    return CareSubject(1, 1, 7, CareCategory.ELDERLY_ALONE, rhythm, ADDED)


def visit(days: int, wellbeing: Wellbeing = Wellbeing.GOOD, *, problem: bool = False) -> Visit:
    return Visit(days, 1, 1, 6, ADDED + timedelta(days=days), VisitDraft(wellbeing, problem=problem))


@pytest.mark.parametrize(("rhythm", "days"), [(Rhythm.WEEKLY, 7), (Rhythm.FORTNIGHTLY, 14), (Rhythm.MONTHLY, 30),
                                              (Rhythm.QUARTERLY, 91)])
def test_first_visit_is_due_one_interval_after_listing(rhythm: Rhythm, days: int) -> None:
    assert due_at(subject(rhythm), None) == ADDED + timedelta(days=days)


def test_next_visit_is_due_one_interval_after_the_last_visit() -> None:
    assert due_at(subject(), visit(5)) == ADDED + timedelta(days=12)


def test_visit_is_due_within_the_reminder_notice_but_not_before() -> None:
    due = ADDED + timedelta(days=7)
    notice = CarePolicy(remind_days_before=1).notice

    assert is_due(due, due - timedelta(hours=23), notice)
    assert not is_due(due, due - timedelta(days=2), notice)


def test_visit_is_overdue_only_past_the_margin() -> None:
    due = ADDED + timedelta(days=7)
    margin = CarePolicy(overdue_margin_days=3).margin

    assert not is_overdue(due, due + timedelta(days=3), margin)
    assert is_overdue(due, due + timedelta(days=3, minutes=1), margin)


def test_a_visit_that_found_a_problem_is_flagged() -> None:
    assert flag_of([visit(7, Wellbeing.GOOD, problem=True)]) is Flag.PROBLEM


def test_needs_help_twice_in_a_row_is_flagged() -> None:
    assert flag_of([visit(14, Wellbeing.NEEDS_HELP), visit(7, Wellbeing.NEEDS_HELP)]) is Flag.NEEDS_HELP_TWICE


@pytest.mark.parametrize("history", [
    [visit(7, Wellbeing.NEEDS_HELP)],
    [visit(14, Wellbeing.NEEDS_HELP), visit(7, Wellbeing.FAIR)],
    [visit(14, Wellbeing.GOOD), visit(7, Wellbeing.NEEDS_HELP)],
    [],
])
def test_other_visits_are_not_flagged(history: list[Visit]) -> None:
    assert flag_of(history) is None
