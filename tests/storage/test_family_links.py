"""The family link on both backends: invite, ask, confirm, cap, removal, audit, and the care seam."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage.database import Database
from tests.factories import load_roster, person_by_phone
from village.clock import ManualClock
from village.consultation.levels import MeetingLevel
from village.consultation.topics import TopicProposal
from village.errors import ConflictError, ErrorCode, PermissionDeniedError
from village.family.models import LinkStatus, Relation
from village.outbox import MessageKind
from village.people import Actor, Identity, PersonFields
from village.services import Services
from village.settings import VillageSettings

HEAD, SON_OF_HEAD, OTHER_HEAD, CADRE = "13800000001", "13800000002", "13800000003", "13800000009"


async def account(database: Database, clock: ManualClock, external_id: str) -> Identity:
    async with database.transaction() as store:
        return await store.identities.seen("telegram", external_id, chat_ref=external_id, display_name="",
                                           now=clock.now())


async def invite_and_ask(database: Database, clock: ManualClock, external_id: str,
                         settings: VillageSettings | None = None) -> tuple[int, Identity]:
    head = await person_by_phone(database, HEAD)
    relative = await account(database, clock, external_id)
    async with database.transaction() as store:
        family = Services(store, clock, settings or VillageSettings()).family
        invite = await family.create_invite(Actor.of(head), head.household_id or 0)
        link, deciders = await family.ask(relative, invite.start_argument, "张小红", Relation.CHILD)
    assert {d.name for d in deciders} == {"李书记", "周主任"}  # the head has not joined: the cadres are asked
    return link.id, relative


async def test_confirmed_relative_is_a_family_member_of_the_household(database: Database,
                                                                        clock: ManualClock) -> None:
    await load_roster(database, clock)
    head = await person_by_phone(database, HEAD)
    link_id, relative = await invite_and_ask(database, clock, "900")

    async with database.transaction() as store:
        family = Services(store, clock, VillageSettings()).family
        _, person = await family.confirm(Actor.of(head), link_id)
        members = await family.family_members_of(head.household_id or 0)
        bound = await store.identities.get(relative.id)
        entries = await store.audit.entries(head.village_id, None)

    assert person.is_family
    assert person.household_id == head.household_id
    assert [(m.name, m.relation, m.identity_id) for m in members] == [("张小红", Relation.CHILD, relative.id)]
    assert bound is not None
    assert bound.person_id == person.id
    assert [e.action for e in entries if e.action.startswith("family.")] == [
        "family.invite", "family.ask", "family.confirm"]
    assert Actor.of(person).label == f"person:{person.id}>household:{head.household_id}"


async def test_a_used_or_expired_code_is_refused(database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)
    head = await person_by_phone(database, HEAD)
    first, second = await account(database, clock, "901"), await account(database, clock, "902")
    async with database.transaction() as store:
        family = Services(store, clock, VillageSettings()).family
        used = await family.create_invite(Actor.of(head), head.household_id or 0)
        stale = await family.create_invite(Actor.of(head), head.household_id or 0)
        await family.ask(first, used.start_argument, "张小红", Relation.CHILD)
    clock.advance(timedelta(days=4))

    async with database.transaction() as store:
        family = Services(store, clock, VillageSettings()).family
        with pytest.raises(ConflictError) as again:
            await family.open_invite(second, used.start_argument)
        with pytest.raises(ConflictError) as late:
            await family.open_invite(second, stale.start_argument)

    assert again.value.code is ErrorCode.FAMILY_CODE_EXPIRED
    assert late.value.code is ErrorCode.FAMILY_CODE_EXPIRED


async def test_the_household_cap_refuses_another_invite(database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)
    head = await person_by_phone(database, HEAD)
    settings = VillageSettings.model_validate({"family": {"max_members": 1}})
    await invite_and_ask(database, clock, "903", settings)

    async with database.transaction() as store:
        family = Services(store, clock, settings).family
        with pytest.raises(ConflictError) as full:
            await family.create_invite(Actor.of(head), head.household_id or 0)

    assert full.value.code is ErrorCode.FAMILY_FULL


async def test_only_the_head_or_a_cadre_manages_the_link(database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)
    son, other, cadre = [await person_by_phone(database, p) for p in (SON_OF_HEAD, OTHER_HEAD, CADRE)]
    head = await person_by_phone(database, HEAD)

    async with database.transaction() as store:
        family = Services(store, clock, VillageSettings()).family
        refused = [await family.may_manage(Actor.of(p), head.household_id or 0) for p in (son, other)]
        allowed = await family.may_manage(Actor.of(cadre), head.household_id or 0)

    assert refused == [False, False]
    assert allowed


async def test_removal_detaches_the_relative_and_unbinds_their_account(database: Database,
                                                                       clock: ManualClock) -> None:
    await load_roster(database, clock)
    cadre = await person_by_phone(database, CADRE)
    link_id, relative = await invite_and_ask(database, clock, "904")
    async with database.transaction() as store:
        family = Services(store, clock, VillageSettings()).family
        _, person = await family.confirm(Actor.of(cadre), link_id)

    async with database.transaction() as store:
        family = Services(store, clock, VillageSettings()).family
        await family.leave(Actor.of(person))
        link = await store.family.link(link_id)
        after = await store.people.get(person.id)
        account_after = await store.identities.get(relative.id)
        members = await family.family_members_of(cadre.village_id)

    assert link is not None
    assert link.status is LinkStatus.REMOVED
    assert link.removed_by == person.id
    assert after is not None
    assert after.household_id is None
    assert account_after is not None
    assert account_after.person_id is None
    assert members == []


async def test_a_family_member_cannot_be_granted_a_role(database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)
    head = await person_by_phone(database, HEAD)
    link_id, _ = await invite_and_ask(database, clock, "905")
    async with database.transaction() as store:
        services = Services(store, clock, VillageSettings())
        _, person = await services.family.confirm(Actor.of(head), link_id)
        await store.people.update(person.id, PersonFields(person.village_id, person.name, "+8613700000001",
                                                          person.household_id, person.group_id, person.grid_id))

    async with database.transaction() as store:
        services = Services(store, clock, VillageSettings())
        with pytest.raises(ConflictError) as refused:
            await services.memberships.grant(Actor.operator("t"), "13700000001", "cadre", None)
        with pytest.raises(PermissionDeniedError):
            await services.family.create_invite(Actor.of(person), head.household_id or 0)

    assert refused.value.code is ErrorCode.FAMILY_NO_ROLES


async def test_household_messages_reach_the_relative_once_and_marked(database: Database,
                                                                     clock: ManualClock) -> None:
    await load_roster(database, clock)
    head, son = await person_by_phone(database, HEAD), await person_by_phone(database, SON_OF_HEAD)
    link_id, relative = await invite_and_ask(database, clock, "906")
    async with database.transaction() as store:
        _, person = await Services(store, clock, VillageSettings()).family.confirm(Actor.of(head), link_id)
    members = [await account(database, clock, n) for n in ("1", "2")]
    async with database.transaction() as store:
        await store.identities.bind(members[0].id, head.id)
        await store.identities.bind(members[1].id, son.id)
        reach = Services(store, clock, VillageSettings()).family_reach
        accounts = await store.identities.of_people([head.id, son.id])
        score = await reach.recipients(accounts, MessageKind.SCORE_PUBLISHED)
        assigned = await reach.recipients(accounts, MessageKind.REPORT_ASSIGNED)
        direct = await reach.recipients([*accounts, *await store.identities.of_people([person.id])],
                                        MessageKind.NOTICE_BROADCAST)

    assert [(r.identity.id, r.household) for r in score] == [
        *((a.id, None) for a in accounts), (relative.id, "张阿婆")]
    assert [r.identity.id for r in assigned] == [a.id for a in accounts]
    assert [(r.identity.id, r.household) for r in direct] == [
        *((a.id, None) for a in accounts), (relative.id, "张阿婆")]


async def test_a_relatives_topic_is_audited_as_for_the_household(database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)
    head, neighbour = await person_by_phone(database, HEAD), await person_by_phone(database, OTHER_HEAD)
    link_id, _ = await invite_and_ask(database, clock, "907")
    async with database.transaction() as store:
        _, person = await Services(store, clock, VillageSettings()).family.confirm(Actor.of(head), link_id)

    async with database.transaction() as store:
        services = Services(store, clock, VillageSettings())
        topic = await services.topics.propose(Actor.of(person), TopicProposal(MeetingLevel.VILLAGE, "修村口的路灯",
                                                                               "晚上太黑"))
        await services.topics.support(Actor.of(neighbour), topic.id)
        entries = [e for e in await store.audit.entries(head.village_id, None) if e.action.startswith("topic.")]

    assert [(e.action, e.actor_label, dict(e.after or {})) for e in entries] == [
        ("topic.propose", f"person:{person.id}>household:{head.household_id}",
         {"for_household": head.household_id})]


async def test_a_joined_head_is_asked_to_confirm_not_the_cadres(database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)
    head = await person_by_phone(database, HEAD)
    own = await account(database, clock, "910")
    async with database.transaction() as store:
        await store.identities.bind(own.id, head.id)

    async with database.transaction() as store:
        askers = await Services(store, clock, VillageSettings()).family.askers(head.household_id or 0)

    assert [p.id for p in askers] == [head.id]


async def test_a_cadre_finds_households_by_member_name_or_number(database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)
    cadre, head = await person_by_phone(database, CADRE), await person_by_phone(database, HEAD)

    async with database.transaction() as store:
        family = Services(store, clock, VillageSettings()).family
        by_name = await family.find_households(Actor.of(cadre), "小明")
        by_number = await family.find_households(Actor.of(cadre), "1-0")
        with pytest.raises(PermissionDeniedError):
            await family.find_households(Actor.of(head), "1-0")

    assert [(m.label, m.members) for m in by_name] == [("1-01", ("张阿婆", "张小明"))]
    assert [m.label for m in by_number] == ["1-01", "1-02"]
