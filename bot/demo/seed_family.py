"""One linked family member for the demo (亲情代办): 张阿婆's daughter in the city, persona 张小红."""

from __future__ import annotations

from village.family.models import Relation
from village.people import Actor
from village.services import Services

DAUGHTER = "张小红"
HEAD = "张阿婆"


async def seed_family(services: Services, external_id: str, village_code: str = "FX01") -> None:
    """Link the demo's daughter persona (Telegram account `external_id`) to 张阿婆's household."""
    village = await services.store.places.village_by_code(village_code)
    if village is None:
        return
    head = next((p for p in await services.store.people.in_village(village.id) if p.name == HEAD), None)
    if head is None or head.household_id is None:
        return
    account = await services.store.identities.seen("telegram", external_id, chat_ref=external_id,
                                                   display_name=DAUGHTER, now=services.clock.now())
    invite = await services.family.create_invite(Actor.of(head), head.household_id)
    link, _ = await services.family.ask(account, invite.start_argument, DAUGHTER, Relation.CHILD)
    await services.family.confirm(Actor.of(head), link.id)
