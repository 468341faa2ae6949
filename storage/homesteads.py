"""和美宅基 group assessments and spot checks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from storage.repository import Repository, new_id
from storage.tables import homestead_assessments
from village.convention.models import HomesteadAssessment, HomesteadFields, HomesteadKind
from village.convention.rules import Standard

_ANNUAL = HomesteadKind.ANNUAL.value


class HomesteadRepository(Repository):
    """A partial unique index keeps one yearly result per group; saving it again replaces it."""

    async def save(self, fields: HomesteadFields, now: datetime) -> HomesteadAssessment:
        """Store a spot check, or store or replace the group's yearly result."""
        values = {"village_id": fields.village_id, "group_id": fields.group_id, "year": fields.year,
                  "kind": fields.kind.value, "results": {s.value: ok for s, ok in fields.results.items()},
                  "notes": {s.value: n for s, n in fields.notes.items()}, "passed": fields.passed, "at": now,
                  "assessor_label": fields.assessor_label, "assessor_id": fields.assessor_id}
        existing = await self.annual(fields.group_id, fields.year) if fields.kind is HomesteadKind.ANNUAL else None
        if existing is None:
            record_id = new_id(await self._db.execute(homestead_assessments.insert().values(**values)))
        else:
            record_id = existing.id
            await self._db.execute(update(homestead_assessments).where(
                homestead_assessments.c.id == record_id).values(**values))
        row = (await self._db.execute(select(homestead_assessments).where(
            homestead_assessments.c.id == record_id))).one()
        return _record(row)

    async def annual(self, group_id: int, year: int) -> HomesteadAssessment | None:
        """Return the group's yearly result."""
        query = select(homestead_assessments).where(
            homestead_assessments.c.group_id == group_id, homestead_assessments.c.year == year,
            homestead_assessments.c.kind == _ANNUAL)
        row = (await self._db.execute(query)).first()
        return _record(row) if row else None

    async def of_group(self, group_id: int, year: int) -> list[HomesteadAssessment]:
        """Return the group's records of a year, oldest first."""
        query = select(homestead_assessments).where(
            homestead_assessments.c.group_id == group_id, homestead_assessments.c.year == year,
        ).order_by(homestead_assessments.c.at, homestead_assessments.c.id)
        return [_record(r) for r in await self._db.execute(query)]

    async def in_year(self, village_id: int, year: int) -> list[HomesteadAssessment]:
        """Return every record of the village's year."""
        query = select(homestead_assessments).where(
            homestead_assessments.c.village_id == village_id, homestead_assessments.c.year == year,
        ).order_by(homestead_assessments.c.at, homestead_assessments.c.id)
        return [_record(r) for r in await self._db.execute(query)]


def _record(row: Any) -> HomesteadAssessment:
    return HomesteadAssessment(
        id=row.id, village_id=row.village_id, group_id=row.group_id, year=row.year, kind=HomesteadKind(row.kind),
        results={Standard(k): bool(v) for k, v in row.results.items()},
        notes={Standard(k): str(v) for k, v in row.notes.items()}, passed=bool(row.passed), at=row.at,
        assessor_label=row.assessor_label, assessor_id=row.assessor_id,
    )
