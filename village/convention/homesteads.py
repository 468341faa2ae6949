"""和美宅基: each group assessed yearly against six standards; spot checks can reduce the group reward."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from village.audit import AuditService
from village.clock import Clock
from village.convention.access import acting_village
from village.convention.lookups import Lookups
from village.convention.models import HomesteadAssessment, HomesteadFields, HomesteadKind
from village.convention.rules import GroupReward, HomesteadTerms, Standard, group_reward, homestead_passes
from village.errors import ErrorCode, InvalidInputError
from village.people import Actor
from village.permissions import require_role
from village.places import Group
from village.roles import Role

if TYPE_CHECKING:
    from village.ports import Store

MAX_NOTE = 200


@dataclass(frozen=True)
class HomesteadStanding:
    """A group's 和美宅基 year: the yearly result, the spot checks, and the reward they add up to."""

    group: Group
    year: int
    annual: HomesteadAssessment | None
    spot_checks: tuple[HomesteadAssessment, ...]
    reward: GroupReward

    @property
    def failed_spot_checks(self) -> int:
        """Return how many spot checks failed."""
        return sum(1 for check in self.spot_checks if not check.passed)


def standing_of(group: Group, year: int, terms: HomesteadTerms,
                records: list[HomesteadAssessment]) -> HomesteadStanding:
    """Return a group's standing from its records of the year."""
    annual = next((r for r in records if r.kind is HomesteadKind.ANNUAL), None)
    checks = tuple(r for r in records if r.kind is HomesteadKind.SPOT_CHECK)
    failed = sum(1 for check in checks if not check.passed)
    reward = group_reward(terms, annual.passed if annual else None, failed)
    return HomesteadStanding(group, year, annual, checks, reward)


class HomesteadService:
    """Recording 和美宅基 assessments and spot checks (cadres), and reading a group's standing."""

    def __init__(self, store: Store, clock: Clock, audit: AuditService, lookups: Lookups) -> None:
        self._store = store
        self._clock = clock
        self._audit = audit
        self._lookups = lookups

    async def record(
        self, actor: Actor, village_id: int, group_id: int, *, kind: HomesteadKind,
        results: Mapping[Standard, bool], notes: Mapping[Standard, str], year: int | None = None,
    ) -> HomesteadStanding:
        """Record the yearly result (replacing an earlier one of that year) or a spot check."""
        require_role(actor, village_id, Role.CADRE)
        group = await self._lookups.group(village_id, group_id)
        convention = await self._lookups.convention(village_id)
        year = year or self._lookups.today().year
        if not 2000 <= year <= self._lookups.today().year:
            raise InvalidInputError(field="year", value=year)
        cleaned = {s: _note(n) for s, n in notes.items() if n.strip()}
        full = {standard: bool(results.get(standard, False)) for standard in Standard}
        before = await self._store.homesteads.annual(group.id, year) if kind is HomesteadKind.ANNUAL else None
        record = await self._store.homesteads.save(HomesteadFields(
            village_id, group.id, year, kind, full, cleaned, homestead_passes(full, convention.homestead.pass_min),
            actor.label, actor.person_id), self._clock.now())
        await self._audit.record(actor, village_id, f"homestead.{kind.value}", f"group:{group.id}:{year}",
                                 before=_snapshot(before) if before else None, after=_snapshot(record))
        return await self.standing(group, year)

    async def standing(self, group: Group, year: int) -> HomesteadStanding:
        """Return a group's standing for a year (callers check who may see it)."""
        convention = await self._lookups.convention(group.village_id)
        records = await self._store.homesteads.of_group(group.id, year)
        return standing_of(group, year, convention.homestead, records)

    async def view(self, actor: Actor, group_id: int, year: int | None = None) -> HomesteadStanding:
        """Return a group of the actor's village with its standing (cadres and supervisors)."""
        village_id = acting_village(actor)
        require_role(actor, village_id, Role.CADRE, Role.SUPERVISOR)
        group = await self._lookups.group(village_id, group_id)
        return await self.standing(group, year or self._lookups.today().year)

    async def village_year(self, actor: Actor, village_code: str, year: int) -> list[HomesteadStanding]:
        """Return every group's standing for a year (cadres, supervisors, operators)."""
        village = await self._lookups.village_by_code(village_code)
        require_role(actor, village.id, Role.CADRE, Role.SUPERVISOR)
        return [await self.standing(group, year) for group in await self._store.places.groups(village.id)]

    async def groups(self, actor: Actor, village_id: int) -> list[Group]:
        """Return the groups a cadre may assess."""
        require_role(actor, village_id, Role.CADRE)
        return await self._store.places.groups(village_id)

    async def group_named(self, actor: Actor, village_code: str, name: str) -> Group:
        """Return the group of a village by its name (for the command line)."""
        village = await self._lookups.village_by_code(village_code)
        require_role(actor, village.id, Role.CADRE)
        return await self._lookups.group_named(village.id, name)


def _note(text: str) -> str:
    note = " ".join(text.split())
    if len(note) > MAX_NOTE:
        raise InvalidInputError(ErrorCode.CONVENTION_TEXT_TOO_LONG, limit=MAX_NOTE)
    return note


def _snapshot(record: HomesteadAssessment) -> dict[str, object]:
    return {"kind": record.kind.value, "passed": record.passed,
            "results": {s.value: ok for s, ok in record.results.items()},
            "notes": {s.value: n for s, n in record.notes.items()}}
