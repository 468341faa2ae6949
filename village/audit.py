"""The audit log: who changed what, with before and after, written with the change."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from village.clock import Clock
from village.people import Actor
from village.permissions import require_admin, require_role
from village.roles import Role

if TYPE_CHECKING:
    from village.ports import Store


@dataclass(frozen=True)
class AuditEntry:
    """One recorded write by a cadre, supervisor, admin or operator."""

    at: datetime
    actor_label: str
    actor_person_id: int | None
    village_id: int | None
    action: str
    target: str
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    id: int | None = field(default=None, compare=False)


class AuditService:
    """Write and read the audit log; writing shares the caller's transaction."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def record(
        self,
        actor: Actor,
        village_id: int | None,
        action: str,
        target: str,
        *,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
    ) -> None:
        """Record one write done by `actor`."""
        await self._store.audit.add(AuditEntry(
            at=self._clock.now(), actor_label=actor.label, actor_person_id=actor.person_id,
            village_id=village_id, action=action, target=target, before=before, after=after,
        ))

    async def entries(self, actor: Actor, village_id: int | None, since: datetime | None) -> list[AuditEntry]:
        """Return the log for a village (supervisors, cadres, admins) or for all (admins)."""
        if village_id is None:
            require_admin(actor)
        else:
            require_role(actor, village_id, Role.SUPERVISOR, Role.CADRE)
        return await self._store.audit.entries(village_id, since)
