"""Who sees what of a problem report (privacy); the report views call these rules.

- The village's cadres and supervisors see every report in full.
- A grid worker sees in full the reports of their own grid, and those assigned to them
  (reassigned, or handed on to them; an escalation goes to the secretary and the assignee,
  so an escalated report a grid worker hears of is one assigned to them). A report of another
  grid stays closed to them even with a forged card button.
- A follower (附和) sees the public timeline, but of an anonymous report not the reporter's own
  words (their rating comment), which could tell who they are: the rating itself stays.
"""

from __future__ import annotations

from collections.abc import Iterable

from village.people import Actor
from village.permissions import READERS
from village.reports.model import Milestone, Report, ReportEvent
from village.roles import Role

# The reporter's own words on the timeline, hidden from followers of an anonymous report.
REPORTER_WORDS = frozenset({Milestone.RATING_NOTE.value})


def sees_in_full(actor: Actor, report: Report) -> bool:
    """Tell whether the actor may open the report's staff card: the village's readers, or its grid worker."""
    if actor.has_role(report.village_id, *READERS):
        return True
    person = actor.person
    if person is None or not person.has_role(report.village_id, Role.GRID_WORKER):
        return False
    own_grid = report.grid_id is not None and report.grid_id == person.grid_id
    return own_grid or report.assignee_id == person.id


def visible_to_follower(events: Iterable[ReportEvent], report: Report) -> tuple[ReportEvent, ...]:
    """Return the public timeline a follower sees: without an anonymous reporter's own words."""
    if not report.anonymous:
        return tuple(events)
    return tuple(e for e in events if e.kind not in REPORTER_WORDS)
