"""Rectification tasks of failing households."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update

from storage.repository import Repository, new_id
from storage.tables import rectifications
from village.convention.models import Rectification
from village.convention.rules import RectificationStatus

_UNFINISHED = [RectificationStatus.OPEN.value, RectificationStatus.REPORTED.value,
               RectificationStatus.NOT_FIXED.value]


class RectificationRepository(Repository):
    """Tasks move by conditional updates on their current status."""

    async def get(self, task_id: int) -> Rectification | None:
        """Return the task with this id."""
        row = (await self._db.execute(select(rectifications).where(rectifications.c.id == task_id))).first()
        return _task(row) if row else None

    async def add(self, task: Rectification) -> int:
        """Store a new task."""
        result = await self._db.execute(rectifications.insert().values(
            assessment_id=task.assessment_id, village_id=task.village_id, household_id=task.household_id,
            clause_id=task.clause_id, clause_name=task.clause_name, period=task.period, deadline=task.deadline,
            status=task.status.value))
        return new_id(result)

    async def of_household(self, household_id: int, limit: int) -> list[Rectification]:
        """Return the household's newest tasks first."""
        return [_task(r) for r in await self._db.execute(_OF_HOUSEHOLD, {"household_id": household_id,
                                                                          "limit": limit})]

    async def of_assessment(self, assessment_id: int) -> list[Rectification]:
        """Return the tasks opened for one result."""
        query = select(rectifications).where(rectifications.c.assessment_id == assessment_id).order_by(
            rectifications.c.id)
        return [_task(r) for r in await self._db.execute(query)]

    async def unfinished(self, village_id: int, before_period: str) -> dict[int, int]:
        """Return, per household, the tasks of earlier periods not yet found fixed."""
        query = (select(rectifications.c.household_id, func.count()).where(
            rectifications.c.village_id == village_id, rectifications.c.status.in_(_UNFINISHED),
            rectifications.c.period < before_period).group_by(rectifications.c.household_id))
        return {row[0]: int(row[1]) for row in await self._db.execute(query)}

    async def move(
        self, task: Rectification, to: RectificationStatus, *, now: datetime, by: int | None = None,
        photo_media_id: int | None = None,
    ) -> bool:
        """Change the status if it is still what `task` says; False otherwise."""
        values: dict[str, Any] = {"status": to.value}
        if to is RectificationStatus.REPORTED:
            values.update(reported_at=now, photo_media_id=photo_media_id)
        elif to in (RectificationStatus.FIXED, RectificationStatus.NOT_FIXED):
            values.update(inspected_at=now, inspected_by=by)
        result = await self._db.execute(update(rectifications).where(
            rectifications.c.id == task.id, rectifications.c.status == task.status.value).values(**values))
        return bool(result.rowcount)


def _task(row: Any) -> Rectification:
    return Rectification(
        id=row.id, assessment_id=row.assessment_id, village_id=row.village_id, household_id=row.household_id,
        clause_id=row.clause_id, clause_name=row.clause_name, period=row.period, deadline=row.deadline,
        status=RectificationStatus(row.status), photo_media_id=row.photo_media_id,
        reported_at=row.reported_at, inspected_at=row.inspected_at, inspected_by=row.inspected_by,
    )


# Built once (every /score reads it): building a statement costs SQLAlchemy more than running it on SQLite.
_OF_HOUSEHOLD = (select(rectifications).where(rectifications.c.household_id == bindparam("household_id"))
                 .order_by(rectifications.c.period.desc(), rectifications.c.id).limit(bindparam("limit")))
