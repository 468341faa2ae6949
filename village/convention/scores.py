"""What residents see: their household's score (/score) and their group's public board (/board).

A resident sees only their own household's details; the board shows faces only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from village.clock import Clock
from village.convention.access import acting_village, can_see_board, member_household, require_board_viewer
from village.convention.homesteads import HomesteadStanding, standing_of
from village.convention.lookups import Lookups
from village.convention.models import Appeal, Assessment, Convention, Rectification
from village.convention.periods import Period
from village.convention.policy import ConventionPolicy
from village.convention.rules import Face, RectificationStatus, appeal_deadline
from village.errors import ErrorCode, PermissionDeniedError
from village.people import Actor
from village.places import Group, Household, Village

if TYPE_CHECKING:
    from village.ports import Store

TREND_PERIODS = 12


@dataclass(frozen=True)
class TrendPoint:
    """One period of the trend chart: its total and face, None when not published."""

    period: Period
    total: int | None
    face: Face | None
    full_marks: int


@dataclass(frozen=True)
class ScoreView:
    """A household's score as its members see it."""

    household: Household
    latest: Assessment | None
    convention: Convention | None
    trend: tuple[TrendPoint, ...]
    year: int
    released_fen: int
    withheld_fen: int
    tasks: tuple[Rectification, ...]
    appeal: Appeal | None
    appeal_until: datetime | None
    can_appeal: bool


@dataclass(frozen=True)
class BoardRow:
    """One household on the board: its name as the roster gives it, and its face (None: not published)."""

    household: Household
    face: Face | None


@dataclass(frozen=True)
class Board:
    """A group's public board (公示牌) for a period: faces only, never deductions."""

    village: Village
    group: Group
    period: Period
    rows: tuple[BoardRow, ...]
    standing: HomesteadStanding
    earlier: Period | None
    later: Period | None

    @property
    def published(self) -> bool:
        """Tell whether any result of the period is published."""
        return any(row.face is not None for row in self.rows)


class ScoreService:
    """Read-only views of published results, each checked against who is asking."""

    def __init__(self, store: Store, clock: Clock, lookups: Lookups, policy: ConventionPolicy) -> None:
        self._store = store
        self._clock = clock
        self._lookups = lookups
        self._policy = policy

    async def score(self, actor: Actor) -> ScoreView:
        """Return the acting member's household score: latest result, trend, reward this year, tasks."""
        _person, household_id = member_household(actor)
        household = await self._lookups.household(household_id)
        current = await self._lookups.convention(household.village_id)
        today = self._lookups.today()
        # One read serves the latest result, the trend and the year's reward: the results since the earlier of the
        # trend's first period (it ends at the period due now or later) and the year's start, and the latest result
        # overall (among them when any is since).
        since = min(Period.due(today, current.period_kind).recent(TREND_PERIODS)[0].code, f"{today.year}-")
        found = await self._store.assessments.published_for_score(household.id, since)
        latest = max(found, key=lambda a: (a.period, a.id), default=None)
        recent = [a for a in found if a.period >= since]
        convention = await self._lookups.version(latest.convention_id) if latest else None
        trend = _trend(_trend_end(today, current, latest), current, recent)
        released, withheld = year_to_date(household, today.year, recent)
        tasks = tuple(t for t in await self._store.rectifications.of_household(household.id, 10)
                      if t.status is not RectificationStatus.CANCELLED)
        appeal = await self._store.appeals.latest_for(latest.id) if latest else None
        until = appeal_deadline(latest.published_at, self._policy.appeal_days) if latest and latest.published_at \
            else None
        can_appeal = until is not None and self._clock.now() <= until and appeal is None
        return ScoreView(household, latest, convention, trend, today.year, released, withheld, tasks, appeal, until,
                         can_appeal)

    async def board(self, actor: Actor, group_id: int | None = None, period_code: str | None = None) -> Board:
        """Return a group's board: the actor's own group by default, the latest published period by default."""
        village_id = acting_village(actor)
        group = await self._board_group(actor, village_id, group_id)
        require_board_viewer(actor, group)
        convention = await self._lookups.convention(village_id)
        periods = sorted({Period.parse(code) for code in await self._store.assessments.published_periods(group.id)})
        period = (self._lookups.period(period_code, convention) if period_code
                  else periods[-1] if periods else Period.due(self._lookups.today(), convention.period_kind))
        faces = {a.household_id: a.face for a in await self._store.assessments.in_group(group.id, period.code)
                 if a.is_published}
        rows = tuple(BoardRow(h, faces.get(h.id)) for h in await self._lookups.households_of(group))
        records = await self._store.homesteads.of_group(group.id, period.year)
        standing = standing_of(group, period.year, convention.homestead, records)
        earlier = max((p for p in periods if p < period), default=None)
        later = min((p for p in periods if p > period), default=None)
        return Board(await self._lookups.village(village_id), group, period, rows, standing, earlier, later)

    async def board_groups(self, actor: Actor) -> list[Group]:
        """Return the groups whose boards the actor may choose from."""
        village_id = acting_village(actor)
        return [g for g in await self._store.places.groups(village_id) if can_see_board(actor, g)]

    async def _board_group(self, actor: Actor, village_id: int, group_id: int | None) -> Group:
        if group_id is not None:
            return await self._lookups.group(village_id, group_id)
        person = actor.person
        if person is None or person.group_id is None:
            raise PermissionDeniedError(ErrorCode.CONVENTION_NO_GROUP)
        return await self._lookups.group(village_id, person.group_id)


def _trend(end: Period, convention: Convention, results: Sequence[Assessment]) -> tuple[TrendPoint, ...]:
    """Return the trend's points up to `end` from the household's published results."""
    by_period = {a.period: a for a in results}
    points = []
    for period in end.recent(TREND_PERIODS):
        result = by_period.get(period.code)
        points.append(TrendPoint(period, result.total if result else None, result.face if result else None,
                                 convention.full_marks))
    return tuple(points)


def year_to_date(household: Household, year: int, results: Sequence[Assessment]) -> tuple[int, int]:
    """Return a household's reward released and withheld so far in a year, from its published results."""
    mine = [a for a in results if a.village_id == household.village_id and f"{year}-" <= a.period < f"{year}."]
    return sum(a.released_fen for a in mine), sum(a.withheld_fen for a in mine)


def _trend_end(today: date, current: Convention, latest: Assessment | None) -> Period:
    """End the trend at the period due now, or at a later one already published."""
    end = Period.due(today, current.period_kind)
    if latest is not None:
        published = Period.parse(latest.period)
        if published.kind is current.period_kind:
            end = max(end, published)
    return end
