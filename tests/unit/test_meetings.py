"""Meetings: who may plan them, checks on times and capacity, publishing to the scope, moving,
cancelling, capacity changes, what readers see, reminders due, and the monthly figures."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from storage.database import Database
from tests.conftest import START
from tests.consultation import (
    ALICE,
    CM_SECRETARY,
    MEETING_START,
    MING,
    QIAN,
    SECRETARY,
    SUPERVISOR,
    WANG,
    ZHAO,
    Call,
    People,
    load_people,
    plan,
    refusal,
    run,
)
from village.clock import ManualClock
from village.consultation.levels import MeetingLevel
from village.consultation.meetings import Meeting, MeetingStatus
from village.consultation.topics import TopicProposal, TopicStatus
from village.errors import ErrorCode


@pytest.fixture
async def people(database: Database, clock: ManualClock) -> People:
    return await load_people(database, clock)


def village_of(people: People, phone: str) -> int:
    person = people[phone].person
    assert person is not None
    return person.village_id


async def create(database: Database, clock: ManualClock, people: People, phone: str = SECRETARY,
                 **changes: Any) -> Meeting:
    meeting = await run(database, clock, lambda v: v.meetings.create(people[phone], village_of(people, phone),
                                                                     plan(**changes)))
    assert isinstance(meeting, Meeting)
    return meeting


async def publish(database: Database, clock: ManualClock, people: People, meeting_id: int,
                  phone: str = SECRETARY) -> Any:
    return await run(database, clock, lambda v: v.meetings.publish(people[phone], meeting_id))


async def test_a_cadre_creates_a_draft_with_a_four_digit_code(database: Database, clock: ManualClock,
                                                              people: People) -> None:
    meeting = await create(database, clock, people)

    assert meeting.status is MeetingStatus.DRAFT
    assert len(meeting.checkin_code) == 6
    assert meeting.checkin_code.isdigit()
    assert meeting.venue_name == "村委会睦邻四堂间"


async def test_a_group_leader_plans_only_their_own_groups_homestead_meeting(database: Database,
                                                                            clock: ManualClock,
                                                                            people: People) -> None:
    own = people[ZHAO].person.group_id  # type: ignore[union-attr]
    other = people[ALICE].person.group_id  # type: ignore[union-attr]
    homestead = {"level": MeetingLevel.HOMESTEAD}

    meeting = await create(database, clock, people, ZHAO, group_id=own, **homestead)

    assert meeting.group_id == own
    for changes in ({"group_id": other, **homestead}, {}, {"group_id": own, "level": MeetingLevel.SOCIAL_ORG}):
        code = await refusal(database, clock, lambda v, c=changes: v.meetings.create(
            people[ZHAO], village_of(people, ZHAO), plan(**c)))
        assert code is ErrorCode.PERMISSION_DENIED


async def test_residents_and_other_villages_cannot_plan(database: Database, clock: ManualClock,
                                                        people: People) -> None:
    fx01 = village_of(people, SECRETARY)

    assert await refusal(database, clock, lambda v: v.meetings.create(people[ALICE], fx01, plan())) is \
        ErrorCode.PERMISSION_DENIED
    assert await refusal(database, clock, lambda v: v.meetings.create(people[CM_SECRETARY], fx01, plan())) is \
        ErrorCode.PERMISSION_DENIED
    assert await refusal(database, clock, lambda v: v.meetings.create(people[SUPERVISOR], fx01, plan())) is \
        ErrorCode.PERMISSION_DENIED


@pytest.mark.parametrize(("changes", "code"), [
    ({"starts_at": START - timedelta(hours=1), "ends_at": START, "signup_deadline": START - timedelta(hours=2)},
     ErrorCode.MEETING_TIME_IN_PAST),
    ({"ends_at": MEETING_START}, ErrorCode.MEETING_END_BEFORE_START),
    ({"signup_deadline": MEETING_START + timedelta(minutes=1)}, ErrorCode.MEETING_DEADLINE_AFTER_START),
    ({"signup_deadline": START}, ErrorCode.MEETING_DEADLINE_PASSED),
    ({"capacity": 0}, ErrorCode.MEETING_CAPACITY_INVALID),
    ({"title": "会"}, ErrorCode.CONSULTATION_TITLE_INVALID),
    ({"venue_name": " "}, ErrorCode.MEETING_VENUE_INVALID),
])
async def test_a_bad_plan_is_refused_and_nothing_is_written(database: Database, clock: ManualClock, people: People,
                                                            changes: dict[str, Any], code: ErrorCode) -> None:
    refused = await refusal(database, clock, lambda v: v.meetings.create(people[SECRETARY],
                                                                         village_of(people, SECRETARY),
                                                                         plan(**changes)))

    assert refused is code
    assert await run(database, clock, lambda v: v.meetings.upcoming(people[SECRETARY])) == []


async def test_publishing_a_group_meeting_reaches_only_that_group(database: Database, clock: ManualClock,
                                                                  people: People) -> None:
    group = people[ALICE].person.group_id  # type: ignore[union-attr]
    meeting = await create(database, clock, people, level=MeetingLevel.HOMESTEAD, group_id=group)

    publication = await publish(database, clock, people, meeting.id)

    assert set(publication.audience) == {people.id(ALICE), people.id(MING), people.id(WANG)}
    assert publication.meeting.status is MeetingStatus.PUBLISHED
    assert await refusal(database, clock, lambda v: v.meetings.publish(people[SECRETARY], meeting.id)) is \
        ErrorCode.CONFLICT


async def test_publishing_a_village_meeting_reaches_everyone_in_the_village(database: Database,
                                                                            clock: ManualClock,
                                                                            people: People) -> None:
    meeting = await create(database, clock, people)

    publication = await publish(database, clock, people, meeting.id)

    assert people.id(QIAN) in publication.audience
    assert people.id(SECRETARY) in publication.audience
    assert people.id(CM_SECRETARY) not in publication.audience


async def test_drafts_are_seen_by_managers_only(database: Database, clock: ManualClock, people: People) -> None:
    meeting = await create(database, clock, people)

    cadre_sees = await run(database, clock, lambda v: v.meetings.upcoming(people[SECRETARY]))
    resident_sees = await run(database, clock, lambda v: v.meetings.upcoming(people[ALICE]))
    page = await refusal(database, clock, lambda v: v.meetings.page(people[ALICE], meeting.id))

    assert [m.meeting.id for m in cadre_sees] == [meeting.id]
    assert resident_sees == []
    assert page is ErrorCode.NOT_FOUND


async def test_a_group_meeting_is_hidden_from_other_groups(database: Database, clock: ManualClock,
                                                           people: People) -> None:
    group = people[ALICE].person.group_id  # type: ignore[union-attr]
    meeting = await create(database, clock, people, level=MeetingLevel.HOMESTEAD, group_id=group)
    await publish(database, clock, people, meeting.id)

    seen_by_qian = await run(database, clock, lambda v: v.meetings.upcoming(people[QIAN]))
    seen_by_supervisor = await run(database, clock, lambda v: v.meetings.upcoming(people[SUPERVISOR]))

    assert seen_by_qian == []
    assert [m.meeting.id for m in seen_by_supervisor] == [meeting.id]
    assert await refusal(database, clock, lambda v: v.meetings.page(people[QIAN], meeting.id)) is \
        ErrorCode.CONSULTATION_OUT_OF_SCOPE


async def test_agenda_topics_are_scheduled_and_must_fit_the_scope(database: Database, clock: ManualClock,
                                                                  people: People) -> None:
    proposal = TopicProposal(MeetingLevel.HOMESTEAD, "宅前路灯不亮", "太黑")
    topic = await run(database, clock, lambda v: v.topics.propose(people[ALICE], proposal))
    other_group = people[ZHAO].person.group_id  # type: ignore[union-attr]

    wrong = await refusal(database, clock, lambda v: v.meetings.create(
        people[SECRETARY], village_of(people, SECRETARY),
        plan(level=MeetingLevel.HOMESTEAD, group_id=other_group, topic_ids=(topic.id,))))
    meeting = await create(database, clock, people, topic_ids=(topic.id,))
    after = await run(database, clock, lambda v: v.topics.view(people[ALICE], topic.id))

    assert wrong is ErrorCode.TOPIC_WRONG_SCOPE
    assert after.topic.status is TopicStatus.SCHEDULED
    assert after.topic.meeting_id == meeting.id


async def test_a_topic_put_on_a_published_agenda_is_announced(database: Database, clock: ManualClock,
                                                              people: People) -> None:
    proposal = TopicProposal(MeetingLevel.VILLAGE, "村里建老年食堂", "方便老人吃饭")
    topic = await run(database, clock, lambda v: v.topics.propose(people[ALICE], proposal))
    await run(database, clock, lambda v: v.topics.support(people[WANG], topic.id))
    meeting = await create(database, clock, people)
    await publish(database, clock, people, meeting.id)

    candidates = await run(database, clock, lambda v: v.meetings.meetings_for_topic(people[SECRETARY], topic.id))
    change = await run(database, clock, lambda v: v.meetings.add_topic(people[SECRETARY], meeting.id, topic.id))

    assert [m.id for m in candidates] == [meeting.id]
    assert change.announce
    assert set(change.decision.followers) == {people.id(ALICE), people.id(WANG)}
    assert await refusal(database, clock, lambda v: v.meetings.add_topic(people[SECRETARY], meeting.id,
                                                                         topic.id)) is ErrorCode.TOPIC_NOT_OPEN


async def test_moving_a_meeting_bumps_its_version_and_lists_everyone_signed_up(database: Database,
                                                                               clock: ManualClock,
                                                                               people: People) -> None:
    meeting = await create(database, clock, people, capacity=1)
    await publish(database, clock, people, meeting.id)
    await run(database, clock, lambda v: v.signups.sign_up(people[ALICE], meeting.id))
    await run(database, clock, lambda v: v.signups.sign_up(people[MING], meeting.id))
    later = MEETING_START + timedelta(days=7)

    change = await run(database, clock, lambda v: v.meetings.move(people[SECRETARY], meeting.id, later,
                                                                  later + timedelta(hours=1)))

    assert change.meeting.version == 2
    assert change.meeting.starts_at == later
    assert change.meeting.signup_deadline == later - timedelta(days=1)
    assert set(change.signed_up) == {people.id(ALICE), people.id(MING)}


async def test_moving_into_the_past_or_backwards_is_refused(database: Database, clock: ManualClock,
                                                            people: People) -> None:
    meeting = await create(database, clock, people)

    past = await refusal(database, clock, lambda v: v.meetings.move(people[SECRETARY], meeting.id,
                                                                    START - timedelta(hours=1), START))
    backwards = await refusal(database, clock, lambda v: v.meetings.move(people[SECRETARY], meeting.id,
                                                                         MEETING_START, MEETING_START))

    assert past is ErrorCode.MEETING_TIME_IN_PAST
    assert backwards is ErrorCode.MEETING_END_BEFORE_START


async def test_cancelling_releases_the_agenda_and_closes_sign_up(database: Database, clock: ManualClock,
                                                                 people: People) -> None:
    proposal = TopicProposal(MeetingLevel.VILLAGE, "村里建老年食堂", "方便老人吃饭")
    topic = await run(database, clock, lambda v: v.topics.propose(people[ALICE], proposal))
    meeting = await create(database, clock, people, topic_ids=(topic.id,))
    await publish(database, clock, people, meeting.id)
    await run(database, clock, lambda v: v.signups.sign_up(people[WANG], meeting.id))

    change = await run(database, clock, lambda v: v.meetings.cancel(people[SECRETARY], meeting.id, "台风预警"))
    topic_after = await run(database, clock, lambda v: v.topics.view(people[ALICE], topic.id))

    assert change.meeting.status is MeetingStatus.CANCELLED
    assert change.signed_up == (people.id(WANG),)
    assert topic_after.topic.status is TopicStatus.OPEN
    assert await refusal(database, clock, lambda v: v.signups.sign_up(people[ALICE], meeting.id)) is \
        ErrorCode.MEETING_CANCELLED
    assert await refusal(database, clock, lambda v: v.meetings.cancel(people[SECRETARY], meeting.id, "再取消")) is \
        ErrorCode.MEETING_CANCELLED


async def test_a_meeting_that_started_can_no_longer_be_changed(database: Database, clock: ManualClock,
                                                               people: People) -> None:
    meeting = await create(database, clock, people)
    await publish(database, clock, people, meeting.id)
    clock.set(MEETING_START + timedelta(minutes=5))

    code = await refusal(database, clock, lambda v: v.meetings.set_capacity(people[SECRETARY], meeting.id, 20))

    assert code is ErrorCode.MEETING_STARTED


async def test_capacity_cannot_drop_below_sign_ups_and_raising_it_seats_the_waitlist(database: Database,
                                                                                     clock: ManualClock,
                                                                                     people: People) -> None:
    meeting = await create(database, clock, people, capacity=2)
    await publish(database, clock, people, meeting.id)
    for phone in (ALICE, MING, WANG, QIAN):
        await run(database, clock, lambda v, p=phone: v.signups.sign_up(people[p], meeting.id))

    below = await refusal(database, clock, lambda v: v.meetings.set_capacity(people[SECRETARY], meeting.id, 1))
    change = await run(database, clock, lambda v: v.meetings.set_capacity(people[SECRETARY], meeting.id, 3))

    assert below is ErrorCode.MEETING_CAPACITY_BELOW_SIGNUPS
    assert [s.person_id for s in change.promoted] == [people.id(WANG)]
    assert change.meeting.capacity == 3


async def test_signed_up_people_is_for_cadres_and_supervisors(database: Database, clock: ManualClock,
                                                              people: People) -> None:
    meeting = await create(database, clock, people, capacity=1)
    await publish(database, clock, people, meeting.id)
    await run(database, clock, lambda v: v.signups.sign_up(people[ALICE], meeting.id))
    await run(database, clock, lambda v: v.signups.sign_up(people[MING], meeting.id))

    for reader in (SECRETARY, SUPERVISOR):
        ids = await run(database, clock, lambda v, r=reader: v.meetings.signed_up_people(people[r], meeting.id))
        assert ids == [people.id(ALICE)]
    for stranger in (ALICE, CM_SECRETARY):
        code = await refusal(database, clock, lambda v, s=stranger: v.meetings.signed_up_people(people[s],
                                                                                                meeting.id))
        assert code is ErrorCode.PERMISSION_DENIED


async def test_reminders_fall_due_the_day_before_then_the_hour_before(database: Database, clock: ManualClock,
                                                                      people: People) -> None:
    meeting = await create(database, clock, people)
    await publish(database, clock, people, meeting.id)
    await run(database, clock, lambda v: v.signups.sign_up(people[ALICE], meeting.id))

    def due(before: timedelta) -> Call:
        return lambda v: v.meetings.due_reminders(MEETING_START - before)

    early = await run(database, clock, due(timedelta(hours=25)))
    day_before = await run(database, clock, due(timedelta(hours=23)))
    hour_before = await run(database, clock, due(timedelta(minutes=30)))

    assert early == []
    assert [(r.offset, r.person_ids) for r in day_before] == [(timedelta(hours=24), (people.id(ALICE),))]
    assert [r.offset for r in hour_before] == [timedelta(hours=1)]


async def test_month_figures_count_meetings_held_sign_ups_attendance_and_topics(database: Database,
                                                                                clock: ManualClock,
                                                                                people: People) -> None:
    proposal = TopicProposal(MeetingLevel.VILLAGE, "村里建老年食堂", "方便老人吃饭")
    topic = await run(database, clock, lambda v: v.topics.propose(people[ALICE], proposal))
    await run(database, clock, lambda v: v.topics.propose(people[MING], proposal))
    meeting = await create(database, clock, people, topic_ids=(topic.id,))
    cancelled = await create(database, clock, people)
    await publish(database, clock, people, meeting.id)
    for phone in (ALICE, MING, WANG):
        await run(database, clock, lambda v, p=phone: v.signups.sign_up(people[p], meeting.id))
    await run(database, clock, lambda v: v.meetings.cancel(people[SECRETARY], cancelled.id, "重复安排"))
    clock.set(MEETING_START)
    await run(database, clock, lambda v: v.signups.check_in(people[ALICE], meeting.checkin_code))
    await run(database, clock, lambda v: v.signups.mark_attended(people[SECRETARY], meeting.id, people.id(QIAN)))
    clock.set(MEETING_START + timedelta(days=30))

    figures = await run(database, clock, lambda v: v.meetings.month_figures(village_of(people, ALICE), 2026, 11))
    empty = await run(database, clock, lambda v: v.meetings.month_figures(village_of(people, ALICE), 2026, 10))

    assert (figures.meetings_held, figures.signups, figures.attended) == (1, 3, 2)
    assert figures.attendance_rate == pytest.approx(1 / 3)
    assert (figures.topics_proposed, figures.topics_scheduled) == (2, 1)
    assert (empty.meetings_held, empty.attendance_rate) == (0, None)


async def test_every_cadre_write_on_a_meeting_is_audited(database: Database, clock: ManualClock,
                                                         people: People) -> None:
    meeting = await create(database, clock, people)
    await publish(database, clock, people, meeting.id)
    later = MEETING_START + timedelta(days=1)
    await run(database, clock, lambda v: v.meetings.move(people[SECRETARY], meeting.id, later,
                                                         later + timedelta(hours=1)))
    await run(database, clock, lambda v: v.meetings.set_capacity(people[SECRETARY], meeting.id, 30))
    await run(database, clock, lambda v: v.meetings.cancel(people[SECRETARY], meeting.id, "改期"))

    log = await run(database, clock, lambda v: v.audit.entries(people[SUPERVISOR], village_of(people, ALICE), None))

    actions = [e.action for e in log if e.target == f"meeting:{meeting.id}"]
    assert actions == ["meeting.create", "meeting.publish", "meeting.move", "meeting.capacity", "meeting.cancel"]
    assert all(e.actor_person_id == people.id(SECRETARY) for e in log if e.target == f"meeting:{meeting.id}")
