"""Who sees what of a report: the privacy rules of village/reports/access.py."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from village.people import Actor, Person
from village.reports.access import sees_in_full, visible_to_follower
from village.reports.model import Milestone, Report, ReportAction, ReportEvent, ReportStatus
from village.roles import Role, RoleGrant

NOW = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
WORKER = Actor.of(Person(7, 1, "孙网格", None, grid_id=1, roles=(RoleGrant(Role.GRID_WORKER, 1),)))


def report(*, grid_id: int | None = 1, assignee_id: int | None = None, anonymous: bool = False) -> Report:
    return Report(id=1, village_id=1, code="FX01-2611-0001", category="绿化", text="", status=ReportStatus.ACCEPTED,
                  reporter_id=2, filed_by_id=2, anonymous=anonymous, created_at=NOW, accept_due_at=NOW,
                  grid_id=grid_id, assignee_id=assignee_id)


def staff(role: Role, village_id: int = 1) -> Actor:
    return Actor.of(Person(9, village_id, "某", None, roles=(RoleGrant(role, village_id),)))


@pytest.mark.parametrize(("seen", "expected"), [
    (report(grid_id=1), True),  # their grid, assigned to the cadres
    (report(grid_id=2, assignee_id=7), True),  # another grid's, passed to them
    (report(grid_id=2, assignee_id=8), False),  # another grid's
    (report(grid_id=None), False),  # no grid (a cadre's), not theirs
])
def test_a_grid_worker_sees_their_grid_and_what_is_assigned_to_them(seen: Report, expected: bool) -> None:
    assert sees_in_full(WORKER, seen) is expected


@pytest.mark.parametrize(("who", "expected"), [
    (staff(Role.CADRE), True), (staff(Role.SUPERVISOR), True), (staff(Role.CADRE, village_id=2), False),
    (staff(Role.RESIDENT), False), (Actor.operator("tests"), True),
])
def test_the_villages_cadres_and_supervisors_see_every_report(who: Actor, expected: bool) -> None:
    assert sees_in_full(who, report(grid_id=2, assignee_id=8)) is expected


def timeline() -> list[ReportEvent]:
    return [ReportEvent(id=n, report_id=1, village_id=1, at=NOW, kind=kind, actor_id=2)
            for n, kind in enumerate((ReportAction.RATE_UNSATISFIED.value, Milestone.RATING_NOTE.value))]


def test_a_follower_of_an_anonymous_report_sees_the_rating_not_the_words() -> None:
    kinds = [e.kind for e in visible_to_follower(timeline(), report(anonymous=True))]

    assert kinds == [ReportAction.RATE_UNSATISFIED.value]


def test_a_follower_of_a_named_report_sees_the_whole_public_timeline() -> None:
    assert len(visible_to_follower(timeline(), report())) == 2
