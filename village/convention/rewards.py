"""The reward ledger (和美奖励金): computed from published results and spot checks, never typed by hand."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from village.convention.homesteads import HomesteadStanding, standing_of
from village.convention.lookups import Lookups
from village.convention.models import Assessment
from village.convention.periods import Period, PeriodKind
from village.people import Actor, Person
from village.permissions import READERS, require_role
from village.places import Group, Household, Village

if TYPE_CHECKING:
    from village.ports import Store


@dataclass(frozen=True)
class HouseholdReward:
    """A household's year: entitled, released, withheld, and still pending (periods not yet published)."""

    household: Household
    group: Group
    entitled: int
    released: int
    withheld: int

    @property
    def pending(self) -> int:
        """Return what is neither released nor withheld yet."""
        return max(0, self.entitled - self.released - self.withheld)


@dataclass(frozen=True)
class RewardLedger:
    """A village's rewards for a year, per household and per group, in fen."""

    village: Village
    year: int
    households: tuple[HouseholdReward, ...]
    groups: tuple[HomesteadStanding, ...]


def household_totals(results: Iterable[Assessment]) -> dict[int, tuple[int, int]]:
    """Return (released, withheld) per household id from published results."""
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for result in results:
        if result.is_published:
            totals[result.household_id][0] += result.released_fen
            totals[result.household_id][1] += result.withheld_fen
    return {household_id: (pair[0], pair[1]) for household_id, pair in totals.items()}


@dataclass(frozen=True)
class RewardStatement:
    """One household's reward news for a period, and its year so far."""

    household: Household
    result: Assessment
    heads: tuple[Person, ...]
    year_released: int
    year_withheld: int


class RewardService:
    """Reading the reward ledger."""

    def __init__(self, store: Store, lookups: Lookups) -> None:
        self._store = store
        self._lookups = lookups

    async def ledger(self, actor: Actor, village_code: str, year: int) -> RewardLedger:
        """Return the year's ledger (cadres, supervisors, operators)."""
        village = await self._lookups.village_by_code(village_code)
        require_role(actor, village.id, *READERS)
        convention = await self._lookups.convention(village.id)
        groups = {g.id: g for g in await self._store.places.groups(village.id)}
        totals = household_totals(await self._store.assessments.published_in_year(village.id, year))
        households = tuple(
            HouseholdReward(h, groups[h.group_id], convention.reward.annual_fen, *totals.get(h.id, (0, 0)))
            for h in await self._store.places.households(village.id))
        records = await self._store.homesteads.in_year(village.id, year)
        standings = tuple(standing_of(g, year, convention.homestead, [r for r in records if r.group_id == g.id])
                          for g in groups.values())
        return RewardLedger(village, year, households, standings)

    async def statements(self, village_id: int, on: date) -> tuple[Period, list[RewardStatement]]:
        """Return the period just ended and a statement per household published for it (no actor: jobs)."""
        convention = await self._store.conventions.current(village_id)
        if convention is None:
            return Period.due(on, PeriodKind.MONTHLY), []
        period = Period.due(on, convention.period_kind)
        published = [a for a in await self._store.assessments.in_village(village_id, period.code) if a.is_published]
        totals = household_totals(await self._store.assessments.published_in_year(village_id, period.year))
        statements = []
        for result in published:
            household = await self._lookups.household(result.household_id)
            released, withheld = totals.get(household.id, (0, 0))
            heads = tuple(await self._lookups.heads(household.id))
            statements.append(RewardStatement(household, result, heads, released, withheld))
        return period, statements
