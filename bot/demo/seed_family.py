"""The family link in the demo (亲情代办): 张阿婆's daughter in the city, persona 张小红, linked and acting for
the household (a report and a topic the cadres see as 由 张小红（子女）代 张阿婆家 …), and 王大伯's son asking
to link, waiting for the household head or a cadre to confirm."""

from __future__ import annotations

from village.consultation.levels import MeetingLevel
from village.consultation.topics import TopicProposal
from village.family.models import Relation
from village.people import Actor, Person
from village.reports import ReportDraft
from village.services import Services

DAUGHTER = "张小红"
HEAD = "张阿婆"
WAITING_HEAD, WAITING_SON = "王大伯", "王小军"
WAITING_ACCOUNT = "7999"  # a Telegram account outside the personas: the son who asked to link
TOPIC = "村里办老年助餐点"


async def seed_family(services: Services, external_id: str, village_code: str = "FX01") -> None:
    """Link the daughter persona (Telegram account `external_id`), let her act for the household, and file
    王大伯's son's request to link, awaiting confirmation."""
    village = await services.store.places.village_by_code(village_code)
    if village is None:
        return
    people = {p.name: p for p in await services.store.people.in_village(village.id)}
    head = people.get(HEAD)
    if head is None or head.household_id is None:
        return
    daughter = await _linked(services, head, external_id, DAUGHTER)
    await services.reports.file(Actor.of(daughter), ReportDraft(
        "道路/设施", "妈妈家门口的台阶塌了一块，老人进出容易摔倒，请帮忙修一下", address="1组1-001门口"))
    await services.topics.propose(Actor.of(daughter), TopicProposal(
        MeetingLevel.VILLAGE, TOPIC, "村里独居老人多，做饭不方便，建议在村委会旁办一个老年助餐点。"))
    waiting = people.get(WAITING_HEAD)
    if waiting is not None and waiting.household_id is not None:
        await _asks(services, waiting, WAITING_ACCOUNT, WAITING_SON)


async def _asks(services: Services, head: Person, external_id: str, name: str) -> int:
    """Invite for `head`'s household and let the relative answer it; return the pending link's id."""
    assert head.household_id is not None
    account = await services.store.identities.seen("telegram", external_id, chat_ref=external_id,
                                                   display_name=name, now=services.clock.now())
    invite = await services.family.create_invite(Actor.of(head), head.household_id)
    link, _ = await services.family.ask(account, invite.start_argument, name, Relation.CHILD)
    return link.id


async def _linked(services: Services, head: Person, external_id: str, name: str) -> Person:
    """Link a relative to `head`'s household, confirmed by the head; return the relative as a person."""
    link_id = await _asks(services, head, external_id, name)
    await services.family.confirm(Actor.of(head), link_id)
    link = await services.store.family.link(link_id)
    relative = await services.store.people.get(link.person_id or 0) if link is not None else None
    assert relative is not None
    return relative
