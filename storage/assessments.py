"""Households' results per period, with their deductions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, or_, select, update
from sqlalchemy.sql import Select

from storage.repository import Repository
from storage.tables import appeals, assessment_deductions, assessments
from village.convention.models import AppealStatus, Assessment, AssessmentFields, AssessmentStatus, Deduction
from village.convention.rules import Face

_DRAFT = AssessmentStatus.DRAFT.value
_PUBLISHED = AssessmentStatus.PUBLISHED.value


class AssessmentRepository(Repository):
    """Drafts become published by a conditional update, so a published result is never overwritten as a draft."""

    async def get(self, assessment_id: int) -> Assessment | None:
        """Return the result with this id."""
        found = await self._load(select(assessments).where(assessments.c.id == assessment_id))
        return found[0] if found else None

    async def of_household(self, household_id: int, period: str) -> Assessment | None:
        """Return the household's result for the period."""
        query = select(assessments).where(assessments.c.household_id == household_id,
                                          assessments.c.period == period)
        found = await self._load(query)
        return found[0] if found else None

    async def in_group(self, group_id: int, period: str) -> list[Assessment]:
        """Return the group's results for the period."""
        return await self._load(select(assessments).where(assessments.c.group_id == group_id,
                                                          assessments.c.period == period))

    async def in_village(self, village_id: int, period: str) -> list[Assessment]:
        """Return the village's results for the period."""
        return await self._load(select(assessments).where(assessments.c.village_id == village_id,
                                                          assessments.c.period == period))

    async def period_counts(self, village_id: int, period: str) -> tuple[int, dict[str, int], int]:
        """Count the village's results for the period: all, the published ones by face, and open appeals of them."""
        query = (select(assessments.c.status, assessments.c.face, func.count())
                 .where(assessments.c.village_id == village_id, assessments.c.period == period)
                 .group_by(assessments.c.status, assessments.c.face))
        assessed, faces = 0, dict[str, int]()
        for status, face, count in await self._db.execute(query):
            assessed += count
            if status == _PUBLISHED:
                faces[face] = faces.get(face, 0) + count
        results = appeals.join(assessments, assessments.c.id == appeals.c.assessment_id)
        appealed = (select(func.count()).select_from(results)
                    .where(appeals.c.village_id == village_id, appeals.c.status == AppealStatus.OPEN.value,
                           assessments.c.period == period))
        return assessed, faces, int((await self._db.execute(appealed)).scalar_one())

    async def published_for_score(self, household_id: int, first_period: str) -> list[Assessment]:
        """Return the household's published results of `first_period` and every later period (codes compared as
        text: `2026-` starts the year 2026), and its latest published result whatever its period: one read."""
        return await self._load(_FOR_SCORE, {"household_id": household_id, "first_period": first_period})

    async def published_in_year(
        self, village_id: int, year: int, *, household_id: int | None = None
    ) -> list[Assessment]:
        """Return the village's (or one household's) published results of a year's periods."""
        # A range, not LIKE: an index can use it on both databases (periods are `2026-11` or `2026-Q4`).
        query = select(assessments).where(assessments.c.village_id == village_id, assessments.c.status == _PUBLISHED,
                                          assessments.c.period >= f"{year}-", assessments.c.period < f"{year}.")
        if household_id is not None:
            query = query.where(assessments.c.household_id == household_id)
        return await self._load(query)

    async def published_periods(self, group_id: int) -> list[str]:
        """Return the periods with any published result in the group."""
        query = (select(assessments.c.period).where(assessments.c.group_id == group_id,
                                                    assessments.c.status == _PUBLISHED)
                 .distinct().order_by(assessments.c.period))
        return [row.period for row in await self._db.execute(query)]

    async def save_draft(self, fields: AssessmentFields, now: datetime) -> int | None:
        """Create or overwrite the household's draft; None when the result is already published."""
        values = {"convention_id": fields.convention_id, "total": fields.total, "face": fields.face.value,
                  "photo_media_id": fields.photo_media_id,
                  "assessor_label": fields.assessor_label, "assessor_id": fields.assessor_id, "updated_at": now}
        await self._insert_ignore(assessments, {
            **values, "village_id": fields.village_id, "group_id": fields.group_id,
            "household_id": fields.household_id, "period": fields.period, "status": _DRAFT,
            "released_fen": 0, "withheld_fen": 0, "revision": 0})
        query = select(assessments.c.id).where(assessments.c.household_id == fields.household_id,
                                               assessments.c.period == fields.period)
        assessment_id = int((await self._db.execute(query)).scalar_one())
        changed = await self._db.execute(update(assessments).where(
            assessments.c.id == assessment_id, assessments.c.status == _DRAFT).values(**values))
        if not changed.rowcount:
            return None
        await self._replace_deductions(assessment_id, fields.deductions)
        return assessment_id

    async def publish(self, assessment_id: int, *, released: int, withheld: int, now: datetime) -> bool:
        """Publish a draft; False when it is no longer a draft."""
        result = await self._db.execute(update(assessments).where(
            assessments.c.id == assessment_id, assessments.c.status == _DRAFT).values(
            status=_PUBLISHED, published_at=now, updated_at=now, released_fen=released, withheld_fen=withheld))
        return bool(result.rowcount)

    async def revise(
        self, assessment: Assessment, *, total: int, face: Face, deductions: Sequence[Deduction],
        released: int, withheld: int, now: datetime,
    ) -> bool:
        """Overwrite a published result if nobody revised it meanwhile; False otherwise."""
        result = await self._db.execute(update(assessments).where(
            assessments.c.id == assessment.id, assessments.c.status == _PUBLISHED,
            assessments.c.revision == assessment.revision,
        ).values(total=total, face=face.value, released_fen=released, withheld_fen=withheld, updated_at=now,
                 revision=assessment.revision + 1))
        if not result.rowcount:
            return False
        await self._replace_deductions(assessment.id, deductions)
        return True

    async def _replace_deductions(self, assessment_id: int, deductions: Sequence[Deduction]) -> None:
        await self._db.execute(delete(assessment_deductions).where(
            assessment_deductions.c.assessment_id == assessment_id))
        for deduction in deductions:
            await self._db.execute(assessment_deductions.insert().values(
                assessment_id=assessment_id, clause_id=deduction.clause_id, points=deduction.points,
                reason=deduction.reason))

    async def _load(self, query: Select[Any], values: dict[str, Any] | None = None) -> list[Assessment]:
        """Return the results `query` selects, by id, with their deductions: one statement, a row per deduction.

        `query` is a select of assessments to join with the deductions, or such a join built already (by
        `_with_deductions`, once: building the join costs SQLAlchemy more than running it), given `values`.
        """
        joined = query if values is not None else _with_deductions(query)
        rows: dict[int, Any] = {}
        deductions: dict[int, list[Deduction]] = {}
        for row in await self._db.execute(joined, values):
            rows.setdefault(row.id, row)
            if row.deduction_clause_id is not None:
                deductions.setdefault(row.id, []).append(
                    Deduction(row.deduction_clause_id, row.deduction_points, row.deduction_reason))
        return [_assessment(r, tuple(deductions.get(i, ()))) for i, r in rows.items()]


_DEDUCTION_COLUMNS = (assessment_deductions.c.clause_id, assessment_deductions.c.points, assessment_deductions.c.reason)


def _with_deductions(query: Select[Any]) -> Select[Any]:
    """Join the results `query` selects with their deductions, in order: a row per deduction."""
    found = query.subquery()
    return (select(found, *(c.label(f"deduction_{c.name}") for c in _DEDUCTION_COLUMNS))
            .select_from(found.outerjoin(assessment_deductions, assessment_deductions.c.assessment_id == found.c.id))
            .order_by(found.c.id, assessment_deductions.c.id))


def _for_score() -> Select[Any]:
    """Build /score's read: a household's published results since a period, and its latest one in any case."""
    household, published = assessments.c.household_id == bindparam("household_id"), assessments.c.status == _PUBLISHED
    latest = (select(assessments.c.id).where(household, published)
              .order_by(assessments.c.period.desc(), assessments.c.id.desc()).limit(1).scalar_subquery())
    return _with_deductions(select(assessments).where(
        household, published, or_(assessments.c.period >= bindparam("first_period"), assessments.c.id == latest)))


_FOR_SCORE = _for_score()  # built once: /score runs it on every update


def _assessment(row: Any, deductions: tuple[Deduction, ...]) -> Assessment:
    return Assessment(
        id=row.id, village_id=row.village_id, group_id=row.group_id, household_id=row.household_id,
        period=row.period, convention_id=row.convention_id, status=AssessmentStatus(row.status), total=row.total,
        face=Face(row.face), deductions=deductions, photo_media_id=row.photo_media_id,
        assessor_label=row.assessor_label, assessor_id=row.assessor_id, released_fen=row.released_fen,
        withheld_fen=row.withheld_fen, revision=row.revision, updated_at=row.updated_at,
        published_at=row.published_at,
    )
