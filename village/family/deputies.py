"""Acting for a household: a linked relative's actions are audited as "X for household Y"."""

from __future__ import annotations

from typing import Any

from village.audit import AuditService
from village.people import Actor


async def record_for_household(audit: AuditService, actor: Actor, village_id: int, action: str, target: str,
                               **after: Any) -> None:
    """Audit what a relative did for their household; a villager's own action is not audited here."""
    person = actor.person
    if person is None or not person.is_family:
        return
    await audit.record(actor, village_id, action, target,
                       after={"for_household": person.household_id, **after})
