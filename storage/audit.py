"""The audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from storage.repository import Repository
from storage.tables import audit_log
from village.audit import AuditEntry


class AuditRepository(Repository):
    """Append and read audit entries."""

    async def add(self, entry: AuditEntry) -> None:
        """Append an entry."""
        await self._db.execute(audit_log.insert().values(
            at=entry.at, actor_label=entry.actor_label, actor_person_id=entry.actor_person_id,
            village_id=entry.village_id, action=entry.action, target=entry.target,
            before=dict(entry.before) if entry.before is not None else None,
            after=dict(entry.after) if entry.after is not None else None,
        ))

    async def entries(self, village_id: int | None, since: datetime | None) -> list[AuditEntry]:
        """Return entries of a village (all when None) since a moment, oldest first."""
        query = select(audit_log).order_by(audit_log.c.id)
        if village_id is not None:
            query = query.where(audit_log.c.village_id == village_id)
        if since is not None:
            query = query.where(audit_log.c.at >= since)
        return [
            AuditEntry(at=r.at, actor_label=r.actor_label, actor_person_id=r.actor_person_id,
                       village_id=r.village_id, action=r.action, target=r.target, before=r.before,
                       after=r.after, id=r.id)
            for r in await self._db.execute(query)
        ]
