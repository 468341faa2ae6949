"""Counting a village's assessing: figures for the monthly digest, and what is still outstanding."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from village.convention.lookups import Lookups
from village.convention.periods import Period, period_of_month
from village.convention.rules import Face
from village.people import Person
from village.places import Group
from village.roles import Role

if TYPE_CHECKING:
    from village.ports import Store


@dataclass(frozen=True)
class AssessmentFigures:
    """A village's assessment figures for the period containing a month (for the monthly digest).

    `assessed` counts drafts and published results; `outstanding` the households not yet
    published; `faces` the published results by face value ("smile", "flat", "cry");
    `appeals_open` the open appeals against that period's results.
    """

    households: int
    assessed: int
    published: int
    outstanding: int
    faces: dict[str, int]
    appeals_open: int


@dataclass(frozen=True)
class Outstanding:
    """A group's households still to do for a period: not assessed, or drafted but not published."""

    group: Group
    unassessed: int
    unpublished: int


@dataclass(frozen=True)
class ReminderPlan:
    """Who to remind of a period's unfinished assessing: the village's cadres, and leaders of groups behind."""

    period: Period
    outstanding: tuple[Outstanding, ...]
    cadres: tuple[Person, ...]
    leaders: tuple[Person, ...]


class Figures:
    """Reads over a village's results; no actor: used by the digest and the monthly jobs."""

    def __init__(self, store: Store, lookups: Lookups) -> None:
        self._store = store
        self._lookups = lookups

    async def month(self, village_id: int, year: int, month: int) -> AssessmentFigures:
        """Return the figures of the period containing the month (no actor: for the monthly digest)."""
        households = await self._store.places.household_count(village_id)
        convention = await self._store.conventions.current(village_id)
        faces = {face.value: 0 for face in Face}
        if convention is None:
            return AssessmentFigures(households, 0, 0, households, faces, 0)
        period = period_of_month(year, month, convention.period_kind)
        # Counted in the database: the digest asks this of every village of a district
        assessed, published, appeals = await self._store.assessments.period_counts(village_id, period.code)
        faces.update(published)
        done = sum(published.values())
        return AssessmentFigures(households, assessed, done, households - done, faces, appeals)

    async def outstanding(self, village_id: int, period: Period) -> list[Outstanding]:
        """Return each group with households still to assess or publish for the period (no actor: jobs)."""
        results = {a.household_id: a for a in await self._store.assessments.in_village(village_id, period.code)}
        found = []
        for group in await self._store.places.groups(village_id):
            households = await self._lookups.households_of(group)
            unassessed = sum(1 for h in households if h.id not in results)
            unpublished = sum(1 for h in households if h.id in results and not results[h.id].is_published)
            if unassessed or unpublished:
                found.append(Outstanding(group, unassessed, unpublished))
        return found

    async def reminder_plan(self, village_id: int, on: date) -> ReminderPlan | None:
        """Return the reminders due on a day for the period just ended; None when all is done (no actor: jobs)."""
        convention = await self._store.conventions.current(village_id)
        if convention is None:
            return None
        period = Period.due(on, convention.period_kind)
        outstanding = tuple(await self.outstanding(village_id, period))
        if not outstanding:
            return None
        behind = {o.group.id for o in outstanding}
        cadres = await self._store.people.with_roles(village_id, [Role.CADRE])
        leaders = [p for p in await self._store.people.with_roles(village_id, [Role.GROUP_LEADER])
                   if p.group_id in behind]
        return ReminderPlan(period, outstanding, tuple(cadres), tuple(leaders))
