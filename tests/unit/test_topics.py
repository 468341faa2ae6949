"""Topics: proposing, supporting once, the threshold, withdrawing, declining; scope and permissions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from storage.database import Database
from tests.consultation import (
    ALICE,
    CM_RESIDENT,
    CM_SECRETARY,
    MING,
    QIAN,
    SECRETARY,
    SUPERVISOR,
    WANG,
    ZHAO,
    People,
    load_people,
    services,
)
from tests.factories import make_media
from village.audit import AuditEntry
from village.clock import ManualClock
from village.consultation.levels import MeetingLevel
from village.consultation.settings import ConsultationPolicy, SupportThresholds
from village.consultation.topics import TopicProposal, TopicStatus
from village.errors import ErrorCode, VillageError
from village.media import MediaKind
from village.services import Services
from village.settings import VillageSettings

SETTINGS = VillageSettings(consultation=ConsultationPolicy(
    support_thresholds=SupportThresholds(homestead=2, village=2)))
Call = Callable[[Services], Awaitable[Any]]


@pytest.fixture
async def people(database: Database, clock: ManualClock) -> People:
    return await load_people(database, clock)


async def run(database: Database, clock: ManualClock, call: Call) -> Any:
    async with services(database, clock, SETTINGS) as village:
        return await call(village)


async def refusal(database: Database, clock: ManualClock, call: Call) -> ErrorCode:
    with pytest.raises(VillageError) as error:
        await run(database, clock, call)
    return error.value.code


async def propose(database: Database, clock: ManualClock, people: People, phone: str = ALICE,
                  level: MeetingLevel = MeetingLevel.HOMESTEAD, title: str = "宅前路灯不亮") -> int:
    proposal = TopicProposal(level, title, "晚上太黑，老人走路不安全")
    topic = await run(database, clock, lambda v: v.topics.propose(people[phone], proposal))
    return int(topic.id)


async def test_a_homestead_topic_belongs_to_the_proposers_group(database: Database, clock: ManualClock,
                                                                people: People) -> None:
    topic_id = await propose(database, clock, people)

    view = await run(database, clock, lambda v: v.topics.view(people[ALICE], topic_id))

    assert view.topic.group_id == people[ALICE].person.group_id  # type: ignore[union-attr]
    assert view.topic.status is TopicStatus.OPEN
    assert (view.may_support, view.may_decide, view.threshold) == (False, False, 2)


async def test_other_groups_and_villages_do_not_see_a_homestead_topic(database: Database, clock: ManualClock,
                                                                     people: People) -> None:
    group_topic = await propose(database, clock, people)
    village_topic = await propose(database, clock, people, level=MeetingLevel.VILLAGE, title="村里建老年食堂")

    def seen(phone: str) -> Call:
        async def call(village: Services) -> list[int]:
            return [t.id for t in await village.topics.open_topics(people[phone])]
        return call

    assert await run(database, clock, seen(ZHAO)) == [village_topic]
    assert set(await run(database, clock, seen(SECRETARY))) == {group_topic, village_topic}
    assert set(await run(database, clock, seen(SUPERVISOR))) == {group_topic, village_topic}
    assert await run(database, clock, seen(CM_RESIDENT)) == []
    assert await refusal(database, clock, lambda v: v.topics.view(people[ZHAO], group_topic)) is \
        ErrorCode.CONSULTATION_OUT_OF_SCOPE
    assert await refusal(database, clock, lambda v: v.topics.view(people[CM_RESIDENT], village_topic)) is \
        ErrorCode.CONSULTATION_OUT_OF_SCOPE


async def test_a_topic_needs_text_or_voice(database: Database, clock: ManualClock, people: People) -> None:
    bare = TopicProposal(MeetingLevel.VILLAGE, "村里建老年食堂")
    voice = await make_media(database, clock, kind=MediaKind.VOICE, content="voice-1")
    voiced = TopicProposal(MeetingLevel.VILLAGE, "村里建老年食堂", voice_media_id=voice.id)

    code = await refusal(database, clock, lambda v: v.topics.propose(people[ALICE], bare))
    topic = await run(database, clock, lambda v: v.topics.propose(people[ALICE], voiced))

    assert code is ErrorCode.CONSULTATION_TEXT_INVALID
    assert topic.voice_media_id == voice.id


async def test_staff_without_a_group_cannot_file_a_homestead_topic(database: Database, clock: ManualClock,
                                                                   people: People) -> None:
    proposal = TopicProposal(MeetingLevel.HOMESTEAD, "宅前路灯不亮", "太黑")

    code = await refusal(database, clock, lambda v: v.topics.propose(people[SECRETARY], proposal))

    assert code is ErrorCode.TOPIC_NEEDS_GROUP


async def test_reaching_the_threshold_tells_the_cadres_once(database: Database, clock: ManualClock,
                                                            people: People) -> None:
    topic_id = await propose(database, clock, people, level=MeetingLevel.VILLAGE, title="村里建老年食堂")

    async def supports(village: Services) -> list[Any]:
        first = await village.topics.support(people[MING], topic_id)
        second = await village.topics.support(people[WANG], topic_id)
        await village.topics.withdraw(people[WANG], topic_id)
        again = await village.topics.support(people[WANG], topic_id)
        return [first, second, again]

    first, second, again = await run(database, clock, supports)

    assert (first.reached, second.reached, again.reached) == (False, True, False)
    assert second.topic.supports == 2
    assert people.id(SECRETARY) in second.managers
    assert people.id(ALICE) not in second.managers


async def test_a_group_topic_at_the_threshold_also_tells_its_group_leader(database: Database, clock: ManualClock,
                                                                          people: People) -> None:
    topic_id = await propose(database, clock, people, phone=ALICE)
    await run(database, clock, lambda v: v.topics.support(people[MING], topic_id))

    outcome = await run(database, clock, lambda v: v.topics.support(people[WANG], topic_id))

    assert outcome.reached
    assert people.id(ZHAO) not in outcome.managers  # she leads 二组, not 一组


async def test_supporting_twice_own_topic_or_out_of_scope_is_refused(database: Database, clock: ManualClock,
                                                                     people: People) -> None:
    topic_id = await propose(database, clock, people)
    await run(database, clock, lambda v: v.topics.support(people[MING], topic_id))

    assert await refusal(database, clock, lambda v: v.topics.support(people[MING], topic_id)) is \
        ErrorCode.TOPIC_ALREADY_SUPPORTED
    assert await refusal(database, clock, lambda v: v.topics.support(people[ALICE], topic_id)) is ErrorCode.TOPIC_OWN
    assert await refusal(database, clock, lambda v: v.topics.support(people[QIAN], topic_id)) is \
        ErrorCode.CONSULTATION_OUT_OF_SCOPE
    assert await refusal(database, clock, lambda v: v.topics.withdraw(people[WANG], topic_id)) is \
        ErrorCode.TOPIC_NOT_SUPPORTED


async def test_a_cadre_declines_with_a_reason_and_it_is_audited(database: Database, clock: ManualClock,
                                                                people: People) -> None:
    topic_id = await propose(database, clock, people)
    await run(database, clock, lambda v: v.topics.support(people[MING], topic_id))

    decision = await run(database, clock, lambda v: v.topics.decline(people[SECRETARY], topic_id, "已列入镇里计划"))
    log: list[AuditEntry] = await run(database, clock, lambda v: v.audit.entries(
        people[SECRETARY], people[SECRETARY].person.village_id, None))  # type: ignore[union-attr]

    assert decision.topic.status is TopicStatus.DECLINED
    assert decision.topic.decline_reason == "已列入镇里计划"
    assert set(decision.followers) == {people.id(ALICE), people.id(MING)}
    assert any(e.action == "topic.decline" and e.target == f"topic:{topic_id}" for e in log)
    assert await refusal(database, clock, lambda v: v.topics.support(people[WANG], topic_id)) is \
        ErrorCode.TOPIC_NOT_OPEN


async def test_declining_needs_a_manager_and_a_reason(database: Database, clock: ManualClock,
                                                      people: People) -> None:
    topic_id = await propose(database, clock, people)

    assert await refusal(database, clock, lambda v: v.topics.decline(people[MING], topic_id, "不行不行")) is \
        ErrorCode.PERMISSION_DENIED
    assert await refusal(database, clock, lambda v: v.topics.decline(people[ZHAO], topic_id, "不行不行")) is \
        ErrorCode.PERMISSION_DENIED
    assert await refusal(database, clock, lambda v: v.topics.decline(people[CM_SECRETARY], topic_id, "不行不行")) is \
        ErrorCode.PERMISSION_DENIED
    assert await refusal(database, clock, lambda v: v.topics.decline(people[SECRETARY], topic_id, " ")) is \
        ErrorCode.CONSULTATION_TEXT_INVALID
