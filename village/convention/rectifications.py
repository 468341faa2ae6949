"""Rectification (整改): a failing household reports what it fixed; the assessor looks and records the outcome."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from village.audit import AuditService
from village.clock import Clock
from village.convention.access import require_assessor, require_household_member, require_not_own_household
from village.convention.lookups import Lookups
from village.convention.models import Rectification
from village.convention.rules import RectificationStep, rectification_after
from village.errors import ConflictError, NotFoundError
from village.media import StoredMedia
from village.people import Actor, Person
from village.places import Household
from village.roles import Role

if TYPE_CHECKING:
    from village.ports import Store


@dataclass(frozen=True)
class RectificationNews:
    """A task that moved, its household, and who should hear of it."""

    task: Rectification
    household: Household
    recipients: tuple[Person, ...]


class RectificationService:
    """Reporting and inspecting rectification tasks."""

    def __init__(self, store: Store, clock: Clock, audit: AuditService, lookups: Lookups) -> None:
        self._store = store
        self._clock = clock
        self._audit = audit
        self._lookups = lookups

    async def task_of_member(self, actor: Actor, task_id: int) -> Rectification:
        """Return a task of the actor's own household that can still be reported fixed."""
        task = await self._task(task_id)
        require_household_member(actor, task.household_id)
        rectification_after(task.status, RectificationStep.REPORT)
        return task

    async def report_fixed(self, actor: Actor, task_id: int, photo: StoredMedia | None = None) -> RectificationNews:
        """Mark the task reported fixed (household members); the assessor is to be told."""
        task = await self.task_of_member(actor, task_id)
        moved = await self._move(task, RectificationStep.REPORT, photo=photo)
        household = await self._lookups.household(task.household_id)
        return RectificationNews(moved, household, tuple(await self._assessors(task, household)))

    async def inspect(self, actor: Actor, task_id: int, *, fixed: bool) -> RectificationNews:
        """Record the re-inspection (the group's assessors); the household is to be told."""
        task = await self._task(task_id)
        household = await self._lookups.household(task.household_id)
        require_assessor(actor, await self._lookups.group(household.village_id, household.group_id))
        require_not_own_household(actor, household)
        moved = await self._move(task, RectificationStep.PASS if fixed else RectificationStep.FAIL,
                                 by=actor.person_id)
        await self._audit.record(actor, task.village_id, "rectification.inspect", f"rectification:{task.id}",
                                 before={"status": task.status.value}, after={"status": moved.status.value})
        return RectificationNews(moved, household, tuple(await self._lookups.heads(household.id)))

    async def _task(self, task_id: int) -> Rectification:
        task = await self._store.rectifications.get(task_id)
        if task is None:
            raise NotFoundError()
        return task

    async def _move(self, task: Rectification, step: RectificationStep, *, by: int | None = None,
                    photo: StoredMedia | None = None) -> Rectification:
        status = rectification_after(task.status, step)
        if not await self._store.rectifications.move(task, status, now=self._clock.now(), by=by,
                                                     photo_media_id=photo.id if photo else None):
            raise ConflictError()
        moved = await self._store.rectifications.get(task.id)
        assert moved is not None
        return moved

    async def _assessors(self, task: Rectification, household: Household) -> list[Person]:
        """Return the person who published the result, else the group's leader and the village's cadres."""
        result = await self._store.assessments.get(task.assessment_id)
        if result is not None and result.assessor_id is not None:
            assessor = await self._store.people.get(result.assessor_id)
            if assessor is not None:
                return [assessor]
        staff = await self._store.people.with_roles(household.village_id, [Role.CADRE, Role.GROUP_LEADER])
        return [p for p in staff if p.has_role(household.village_id, Role.CADRE) or p.group_id == household.group_id]
