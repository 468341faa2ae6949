"""Acting for a household: a linked relative's actions are audited as "X for household Y"."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from village.audit import AuditService
from village.family.models import Deputy
from village.family.reach import FamilyReach
from village.people import Actor, Person

if TYPE_CHECKING:
    from village.ports import Store


async def deputy_of(store: Store, person: Person | None) -> Deputy | None:
    """Return who `person` acted for when they are a linked relative; None for anyone else."""
    if person is None or not person.is_family or person.household_id is None:
        return None
    link = await store.family.active_of_person(person.id)
    if link is None:
        return None
    return Deputy(person.name, link.relation, await FamilyReach(store).household_name(link.household_id))


async def record_for_household(audit: AuditService, actor: Actor, village_id: int, action: str, target: str,
                               **after: Any) -> None:
    """Audit what a relative did for their household; a villager's own action is not audited here."""
    person = actor.person
    if person is None or not person.is_family:
        return
    await audit.record(actor, village_id, action, target,
                       after={"for_household": person.household_id, **after})
