"""Appeals against published results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update

from storage.repository import Repository
from storage.tables import appeals
from village.convention.models import Appeal, AppealStatus

_OPEN = AppealStatus.OPEN.value


class AppealRepository(Repository):
    """A partial unique index keeps at most one open appeal per result."""

    async def get(self, appeal_id: int) -> Appeal | None:
        """Return the appeal with this id."""
        row = (await self._db.execute(select(appeals).where(appeals.c.id == appeal_id))).first()
        return _appeal(row) if row else None

    async def open_for(self, assessment_id: int) -> Appeal | None:
        """Return the result's open appeal, if any."""
        query = select(appeals).where(appeals.c.assessment_id == assessment_id, appeals.c.status == _OPEN)
        row = (await self._db.execute(query)).first()
        return _appeal(row) if row else None

    async def latest_for(self, assessment_id: int) -> Appeal | None:
        """Return the result's newest appeal, whatever its status."""
        row = (await self._db.execute(_LATEST_FOR, {"assessment_id": assessment_id})).first()
        return _appeal(row) if row else None

    async def open_in_village(self, village_id: int) -> list[Appeal]:
        """Return the village's open appeals, oldest first."""
        query = (select(appeals).where(appeals.c.village_id == village_id, appeals.c.status == _OPEN)
                 .order_by(appeals.c.id))
        return [_appeal(r) for r in await self._db.execute(query)]

    async def add(self, appeal: Appeal) -> int | None:
        """Store a new open appeal; None when the result already has one."""
        inserted = await self._insert_ignore(appeals, {
            "assessment_id": appeal.assessment_id, "village_id": appeal.village_id,
            "household_id": appeal.household_id, "person_id": appeal.person_id, "reason": appeal.reason,
            "voice_media_id": appeal.voice_media_id, "status": _OPEN,
            "created_at": appeal.created_at, "decision_note": ""})
        if not inserted:
            return None
        found = await self.open_for(appeal.assessment_id)
        return found.id if found else None

    async def decide(
        self, appeal_id: int, status: AppealStatus, *, by: int | None, note: str, now: datetime
    ) -> bool:
        """Close an open appeal; False when it was decided already."""
        result = await self._db.execute(update(appeals).where(appeals.c.id == appeal_id, appeals.c.status == _OPEN)
                                        .values(status=status.value, decided_by=by, decision_note=note,
                                                decided_at=now))
        return bool(result.rowcount)


def _appeal(row: Any) -> Appeal:
    return Appeal(
        id=row.id, assessment_id=row.assessment_id, village_id=row.village_id, household_id=row.household_id,
        person_id=row.person_id, reason=row.reason, status=AppealStatus(row.status), created_at=row.created_at,
        voice_media_id=row.voice_media_id, decided_at=row.decided_at, decided_by=row.decided_by,
        decision_note=row.decision_note,
    )


# Built once: every /score of a household with a result reads it.
_LATEST_FOR = (select(appeals).where(appeals.c.assessment_id == bindparam("assessment_id"))
               .order_by(appeals.c.id.desc()).limit(1))
