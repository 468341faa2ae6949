"""Acting for a household: a linked relative's actions are audited as "X for household Y"."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from village.audit import AuditService
from village.family.models import Deputy, LinkStatus
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


async def deputies_among(store: Store, person_ids: Iterable[int]) -> dict[int, Deputy]:
    """Return, by person id, who of `person_ids` acted as a linked relative (a sign-up sheet's names)."""
    found = [(i, link) for i, link in await store.family.reaching(list(dict.fromkeys(person_ids)))
             if link.person_id == i]
    reach = FamilyReach(store)
    names = {hh: await reach.household_name(hh) for hh in {link.household_id for _, link in found}}
    return {i: Deputy(link.name, link.relation, names[link.household_id]) for i, link in found}


async def household_deputies(store: Store, person: Person) -> dict[int, Deputy]:
    """Return the active relatives acting for `person`'s household, by person id (what the household sees)."""
    if person.household_id is None or person.is_family:
        return {}
    links = await store.family.links_of_household(person.household_id, [LinkStatus.ACTIVE])
    if not links:
        return {}
    name = await FamilyReach(store).household_name(person.household_id)
    return {link.person_id: Deputy(link.name, link.relation, name) for link in links if link.person_id is not None}


async def record_for_household(audit: AuditService, actor: Actor, village_id: int, action: str, target: str,
                               **after: Any) -> None:
    """Audit what a relative did for their household; a villager's own action is not audited here."""
    person = actor.person
    if person is None or not person.is_family:
        return
    await audit.record(actor, village_id, action, target,
                       after={"for_household": person.household_id, **after})
