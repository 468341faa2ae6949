"""Major matters and their six stages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from storage.repository import Repository, new_id
from storage.tables import matter_stage_attendees, matter_stages, matters
from village.consultation.matters import (
    STAGES,
    Matter,
    MatterStage,
    MatterStatus,
    StageDocument,
    StageRecord,
    Vote,
)
from village.media import MediaKind


class MatterRepository(Repository):
    """Matters by village; stages in their order."""

    async def add(self, village_id: int, title: str, description: str | None, opened_by: int | None,
                  now: datetime) -> int:
        """Store a new matter with no stage recorded."""
        result = await self._db.execute(matters.insert().values(
            village_id=village_id, title=title, description=description, status=MatterStatus.OPEN.value,
            stages_done=0, opened_by=opened_by, opened_at=now))
        return new_id(result)

    async def get(self, matter_id: int) -> Matter | None:
        """Return the matter with this id."""
        row = (await self._db.execute(select(matters).where(matters.c.id == matter_id))).first()
        return _matter(row) if row else None

    async def in_village(self, village_id: int) -> list[Matter]:
        """Return the village's matters, newest first."""
        query = select(matters).where(matters.c.village_id == village_id).order_by(matters.c.id.desc())
        return [_matter(r) for r in await self._db.execute(query)]

    async def stages(self, matter_id: int) -> list[StageRecord]:
        """Return the matter's recorded stages in order, with the representatives present."""
        query = select(matter_stages).where(matter_stages.c.matter_id == matter_id).order_by(matter_stages.c.position)
        rows = (await self._db.execute(query)).fetchall()
        return [_stage(row, await self._present(row.id)) for row in rows]

    async def add_stage(self, record: StageRecord) -> bool:
        """Write the stage only if it is the next one (stages_done equals its position); else False."""
        done = record.position + 1
        status = MatterStatus.COMPLETE if done == len(STAGES) else MatterStatus.OPEN
        advanced = await self._db.execute(update(matters).where(
            matters.c.id == record.matter_id, matters.c.stages_done == record.position,
        ).values(stages_done=done, status=status.value))
        if not advanced.rowcount:
            return False
        stage_id = new_id(await self._db.execute(matter_stages.insert().values(**_values(record))))
        if record.vote is not None:
            for person_id in record.vote.present:
                await self._db.execute(matter_stage_attendees.insert().values(stage_id=stage_id, person_id=person_id))
        return True

    async def _present(self, stage_id: int) -> tuple[int, ...]:
        query = select(matter_stage_attendees.c.person_id).where(matter_stage_attendees.c.stage_id == stage_id)
        return tuple((await self._db.execute(query.order_by(matter_stage_attendees.c.person_id))).scalars())


def _values(record: StageRecord) -> dict[str, Any]:
    document, vote = record.document, record.vote
    return {
        "matter_id": record.matter_id, "stage": record.stage.value, "position": record.position,
        "held_on": record.held_on, "outcome": record.outcome, "recorded_by": record.recorded_by,
        "recorded_at": record.recorded_at,
        "document_kind": document.kind.value if document else None,
        "document_media_id": document.media_id if document else None,
        "document_name": document.file_name if document else None,
        "representatives": vote.representatives if vote else None,
        "votes_for": vote.votes_for if vote else None,
        "votes_against": vote.votes_against if vote else None,
    }


def _matter(row: Any) -> Matter:
    return Matter(id=row.id, village_id=row.village_id, title=row.title, status=MatterStatus(row.status),
                  opened_at=row.opened_at, opened_by=row.opened_by, description=row.description,
                  stages_done=row.stages_done)


def _stage(row: Any, present: tuple[int, ...]) -> StageRecord:
    document = None
    if row.document_media_id is not None:
        document = StageDocument(MediaKind(row.document_kind), row.document_media_id, row.document_name)
    vote = None
    if row.representatives is not None:
        vote = Vote(present, row.representatives, row.votes_for or 0, row.votes_against or 0)
    return StageRecord(matter_id=row.matter_id, stage=MatterStage(row.stage), position=row.position,
                       held_on=row.held_on, outcome=row.outcome, recorded_at=row.recorded_at,
                       recorded_by=row.recorded_by, document=document, vote=vote)
