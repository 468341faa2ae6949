"""Importing a village's convention: each import stores a new version; published results keep theirs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from village.audit import AuditService
from village.clock import Clock
from village.convention.lookups import Lookups
from village.convention.models import Clause, Convention
from village.convention.rules import FaceThresholds, HomesteadTerms, RewardTerms
from village.convention.spec import ConventionSpec, to_fen
from village.people import Actor
from village.permissions import require_member, require_role
from village.roles import Role

if TYPE_CHECKING:
    from village.ports import Store


def convention_from_spec(village_id: int, spec: ConventionSpec, clock: Clock) -> Convention:
    """Return an unsaved convention (ids 0) built from a validated spec."""
    return Convention(
        id=0, village_id=village_id, version=0, period_kind=spec.period,
        thresholds=FaceThresholds(smile_min=spec.faces.smile, flat_min=spec.faces.flat),
        reward=RewardTerms(to_fen(spec.annual_reward), spec.retained_percent, frozenset(spec.passing_faces)),
        homestead=HomesteadTerms(to_fen(spec.homestead.reward), spec.homestead.pass_min,
                                 spec.homestead.spot_check_reduction_percent),
        clauses=tuple(Clause(0, c.name, c.points, c.deduction_step, c.description) for c in spec.clauses),
        created_at=clock.now(),
    )


class ConventionService:
    """The convention in force per village."""

    def __init__(self, store: Store, clock: Clock, audit: AuditService, lookups: Lookups) -> None:
        self._store = store
        self._clock = clock
        self._audit = audit
        self._lookups = lookups

    async def import_spec(self, actor: Actor, village_code: str, spec: ConventionSpec) -> Convention:
        """Store `spec` as the village's new convention version (cadres, admins, operators)."""
        village = await self._lookups.village_by_code(village_code)
        require_role(actor, village.id, Role.CADRE)
        before = await self._store.conventions.current(village.id)
        convention = await self._store.conventions.add(convention_from_spec(village.id, spec, self._clock))
        await self._audit.record(
            actor, village.id, "convention.import", f"convention:{convention.id}",
            before={"version": before.version} if before else None,
            after={"version": convention.version, "period": spec.period.value,
                   "clauses": [f"{c.name}:{c.points}" for c in spec.clauses]},
        )
        return convention

    async def current(self, actor: Actor, village_code: str) -> Convention:
        """Return the convention in force for a village, for its members and operators."""
        village = await self._lookups.village_by_code(village_code)
        require_member(actor, village.id)
        return await self._lookups.convention(village.id)
