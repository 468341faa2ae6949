"""Convention versions and their clauses."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import ColumnElement, Select

from storage.repository import Repository, new_id
from storage.tables import convention_clauses, conventions
from village.convention.models import Clause, Convention
from village.convention.periods import PeriodKind
from village.convention.rules import Face, FaceThresholds, HomesteadTerms, RewardTerms


class ConventionRepository(Repository):
    """Adds versions and reads them back with their clauses; never updates one.

    So a version read once is the same for the rest of the transaction: it is kept by id (a /score reads the
    village's convention, then its latest result's version, most often the same one).
    """

    def __init__(self, connection: AsyncConnection) -> None:
        super().__init__(connection)
        self._versions: dict[int, Convention] = {}

    async def current(self, village_id: int) -> Convention | None:
        """Return the village's highest version."""
        return await self._one(_CURRENT, {"village_id": village_id})

    async def get(self, convention_id: int) -> Convention | None:
        """Return one version."""
        if convention_id in self._versions:
            return self._versions[convention_id]
        return await self._one(_BY_ID, {"convention_id": convention_id})

    async def _one(self, statement: Select[Any], values: dict[str, Any]) -> Convention | None:
        """Return the version `statement` (from `_with_clauses`) picks, with its clauses."""
        rows = (await self._db.execute(statement, values)).fetchall()
        if not rows:
            return None
        clauses = tuple(Clause(r.clause_id, r.clause_name, r.clause_points, r.clause_step, r.clause_description)
                        for r in rows if r.clause_id is not None)
        convention = _convention(rows[0], clauses)
        self._versions[convention.id] = convention
        return convention

    async def add(self, convention: Convention) -> Convention:
        """Store a new version (numbered after the village's last) with its clauses."""
        latest = select(func.max(conventions.c.version)).where(conventions.c.village_id == convention.village_id)
        version = ((await self._db.execute(latest)).scalar() or 0) + 1
        result = await self._db.execute(conventions.insert().values(
            village_id=convention.village_id, version=version, period_kind=convention.period_kind.value,
            smile_min=convention.thresholds.smile_min, flat_min=convention.thresholds.flat_min,
            passing_faces=sorted(f.value for f in convention.reward.passing),
            annual_reward_fen=convention.reward.annual_fen, retained_percent=convention.reward.retained_percent,
            homestead_reward_fen=convention.homestead.reward_fen, homestead_pass_min=convention.homestead.pass_min,
            spot_check_reduction_percent=convention.homestead.reduction_percent, created_at=convention.created_at,
        ))
        convention_id = new_id(result)
        for position, clause in enumerate(convention.clauses):
            await self._db.execute(convention_clauses.insert().values(
                convention_id=convention_id, position=position, name=clause.name, points=clause.points,
                step=clause.step, description=clause.description))
        stored = await self.get(convention_id)
        assert stored is not None
        return stored


def _with_clauses(which: ColumnElement[bool]) -> Select[Any]:
    """Build the read of the version `which` picks, with its clauses: one statement, a row per clause."""
    return (select(conventions, *(c.label(f"clause_{c.name}") for c in convention_clauses.c))
            .select_from(conventions.outerjoin(convention_clauses,
                                               convention_clauses.c.convention_id == conventions.c.id))
            .where(which).order_by(convention_clauses.c.position))


# Built once (every /score reads the convention in force): building them costs SQLAlchemy more than running them.
_HIGHEST = (select(conventions.c.id).where(conventions.c.village_id == bindparam("village_id"))
            .order_by(conventions.c.version.desc()).limit(1).scalar_subquery())
_CURRENT = _with_clauses(conventions.c.id == _HIGHEST)
_BY_ID = _with_clauses(conventions.c.id == bindparam("convention_id"))


def _convention(row: Any, clauses: tuple[Clause, ...]) -> Convention:
    return Convention(
        id=row.id, village_id=row.village_id, version=row.version, period_kind=PeriodKind(row.period_kind),
        thresholds=FaceThresholds(row.smile_min, row.flat_min),
        reward=RewardTerms(row.annual_reward_fen, row.retained_percent,
                           frozenset(Face(f) for f in row.passing_faces)),
        homestead=HomesteadTerms(row.homestead_reward_fen, row.homestead_pass_min,
                                 row.spot_check_reduction_percent),
        clauses=clauses, created_at=row.created_at,
    )
