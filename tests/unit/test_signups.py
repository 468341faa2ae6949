"""Sign-up and the waitlist, check-in by code and by a cadre, the sign-up sheet, and the two disclosures."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from storage.database import Database
from tests.consultation import (
    ALICE,
    CM_RESIDENT,
    DIRECTOR,
    MEETING_START,
    MING,
    QIAN,
    SECRETARY,
    SUN,
    SUPERVISOR,
    WANG,
    ZHAO,
    People,
    load_people,
    plan,
    refusal,
    run,
)
from village.clock import ManualClock
from village.consultation.levels import MeetingLevel
from village.consultation.meetings import Meeting, MeetingStatus
from village.consultation.signups import SignUpStatus
from village.consultation.topics import TopicProposal, TopicStatus
from village.errors import ErrorCode


@pytest.fixture
async def people(database: Database, clock: ManualClock) -> People:
    return await load_people(database, clock)


async def meeting(database: Database, clock: ManualClock, people: People, *, publish: bool = True,
                  **changes: Any) -> Meeting:
    secretary = people[SECRETARY]
    village_id = secretary.person.village_id  # type: ignore[union-attr]
    created = await run(database, clock, lambda v: v.meetings.create(secretary, village_id, plan(**changes)))
    if publish:
        await run(database, clock, lambda v: v.meetings.publish(secretary, created.id))
    got = await run(database, clock, lambda v: v.meetings.page(secretary, created.id))
    return got.meeting  # type: ignore[no-any-return]


async def sign_up(database: Database, clock: ManualClock, people: People, phone: str, meeting_id: int) -> Any:
    return await run(database, clock, lambda v: v.signups.sign_up(people[phone], meeting_id))


async def test_sign_ups_take_seats_until_full_then_wait(database: Database, clock: ManualClock,
                                                        people: People) -> None:
    held = await meeting(database, clock, people, capacity=2)

    results = [await sign_up(database, clock, people, p, held.id) for p in (ALICE, MING, WANG)]

    assert [(s.status, s.seat) for s in results] == [(SignUpStatus.CONFIRMED, 1), (SignUpStatus.CONFIRMED, 2),
                                                     (SignUpStatus.WAITLISTED, None)]


async def test_a_cancellation_gives_the_seat_to_the_first_in_line(database: Database, clock: ManualClock,
                                                                  people: People) -> None:
    held = await meeting(database, clock, people, capacity=1)
    for phone in (ALICE, MING, WANG):
        await sign_up(database, clock, people, phone, held.id)
        clock.advance(timedelta(minutes=1))

    withdrawal = await run(database, clock, lambda v: v.signups.cancel(people[ALICE], held.id))
    wang = await run(database, clock, lambda v: v.signups.mine(people[WANG], held.id))

    assert withdrawal.promoted.person_id == people.id(MING)
    assert withdrawal.promoted.seat == 1
    assert wang.status is SignUpStatus.WAITLISTED


async def test_leaving_the_waitlist_promotes_nobody(database: Database, clock: ManualClock, people: People) -> None:
    held = await meeting(database, clock, people, capacity=1)
    await sign_up(database, clock, people, ALICE, held.id)
    await sign_up(database, clock, people, MING, held.id)

    withdrawal = await run(database, clock, lambda v: v.signups.cancel(people[MING], held.id))

    assert withdrawal.cancelled.status is SignUpStatus.WAITLISTED
    assert withdrawal.promoted is None


async def test_signing_up_twice_or_cancelling_without_a_sign_up_is_refused(database: Database, clock: ManualClock,
                                                                           people: People) -> None:
    held = await meeting(database, clock, people)
    await sign_up(database, clock, people, ALICE, held.id)

    assert await refusal(database, clock, lambda v: v.signups.sign_up(people[ALICE], held.id)) is \
        ErrorCode.MEETING_ALREADY_SIGNED_UP
    assert await refusal(database, clock, lambda v: v.signups.cancel(people[MING], held.id)) is \
        ErrorCode.MEETING_NOT_SIGNED_UP


async def test_no_sign_up_after_the_deadline(database: Database, clock: ManualClock, people: People) -> None:
    held = await meeting(database, clock, people)
    clock.set(held.signup_deadline)

    code = await refusal(database, clock, lambda v: v.signups.sign_up(people[ALICE], held.id))

    assert code is ErrorCode.MEETING_SIGNUP_CLOSED


async def test_no_sign_up_for_a_draft_or_out_of_scope(database: Database, clock: ManualClock,
                                                      people: People) -> None:
    draft = await meeting(database, clock, people, publish=False)
    group = people[ALICE].person.group_id  # type: ignore[union-attr]
    homestead = await meeting(database, clock, people, level=MeetingLevel.HOMESTEAD, group_id=group)

    assert await refusal(database, clock, lambda v: v.signups.sign_up(people[ALICE], draft.id)) is \
        ErrorCode.NOT_FOUND
    assert await refusal(database, clock, lambda v: v.signups.sign_up(people[QIAN], homestead.id)) is \
        ErrorCode.CONSULTATION_OUT_OF_SCOPE
    assert await refusal(database, clock, lambda v: v.signups.sign_up(people[CM_RESIDENT], homestead.id)) is \
        ErrorCode.CONSULTATION_OUT_OF_SCOPE


async def test_check_in_by_code_works_only_around_the_meeting(database: Database, clock: ManualClock,
                                                              people: People) -> None:
    held = await meeting(database, clock, people)
    await sign_up(database, clock, people, ALICE, held.id)

    early = await refusal(database, clock, lambda v: v.signups.check_in(people[ALICE], held.checkin_code, held.id))
    clock.set(MEETING_START - timedelta(minutes=30))
    wrong = await run(database, clock, lambda v: v.signups.check_in(people[ALICE], "000000"))
    found = await run(database, clock, lambda v: v.signups.check_in(people[ALICE], f" {held.checkin_code} "))
    again = await run(database, clock, lambda v: v.signups.check_in(people[ALICE], held.checkin_code, held.id))
    page = await run(database, clock, lambda v: v.meetings.page(people[ALICE], held.id))

    assert early is ErrorCode.MEETING_CHECKIN_CLOSED
    assert (wrong.meeting, wrong.attempts_left) == (None, 4)
    assert found.meeting.id == again.meeting.id == held.id
    assert page.checked_in
    assert (page.figures.attended, page.figures.attended_confirmed, page.figures.rate) == (1, 1, 1.0)


async def test_someone_out_of_scope_cannot_check_in_with_the_code(database: Database, clock: ManualClock,
                                                                  people: People) -> None:
    group = people[ALICE].person.group_id  # type: ignore[union-attr]
    held = await meeting(database, clock, people, level=MeetingLevel.HOMESTEAD, group_id=group)
    clock.set(MEETING_START)

    result = await run(database, clock, lambda v: v.signups.check_in(people[QIAN], held.checkin_code))

    assert result.meeting is None


async def test_a_person_is_locked_out_after_five_wrong_codes_in_an_hour(database: Database, clock: ManualClock,
                                                                        people: People) -> None:
    held = await meeting(database, clock, people)
    clock.set(MEETING_START - timedelta(minutes=30))
    wrong = [await run(database, clock, lambda v: v.signups.check_in(people[ALICE], "000000")) for _ in range(5)]

    locked = await refusal(database, clock, lambda v: v.signups.check_in(people[ALICE], held.checkin_code))
    other = await run(database, clock, lambda v: v.signups.check_in(people[MING], held.checkin_code))
    clock.advance(timedelta(hours=1))
    later = await run(database, clock, lambda v: v.signups.check_in(people[ALICE], held.checkin_code))

    assert [w.attempts_left for w in wrong] == [4, 3, 2, 1, 0]
    assert locked is ErrorCode.MEETING_CHECKIN_TOO_MANY_TRIES
    assert other.meeting.id == later.meeting.id == held.id


async def test_a_meeting_stops_taking_codes_after_thirty_wrong_ones(database: Database, clock: ManualClock,
                                                                    people: People) -> None:
    held = await meeting(database, clock, people)
    clock.set(MEETING_START - timedelta(minutes=30))
    for phone in (ALICE, MING, WANG, ZHAO, SUN, DIRECTOR):  # six people, each up to their own limit
        for _ in range(5):
            await run(database, clock, lambda v, p=phone: v.signups.check_in(people[p], "000000"))
    clock.set(MEETING_START)

    blocked = await refusal(database, clock, lambda v: v.signups.check_in(people[SECRETARY], held.checkin_code))

    assert blocked is ErrorCode.MEETING_CHECKIN_CODES_BLOCKED


async def test_a_cadre_marks_attendance_and_the_sheet_shows_it(database: Database, clock: ManualClock,
                                                               people: People) -> None:
    held = await meeting(database, clock, people, capacity=1)
    await sign_up(database, clock, people, ALICE, held.id)
    await sign_up(database, clock, people, MING, held.id)
    clock.set(MEETING_START)

    first = await run(database, clock, lambda v: v.signups.mark_attended(people[SECRETARY], held.id,
                                                                         people.id(ALICE)))
    twice = await run(database, clock, lambda v: v.signups.mark_attended(people[SECRETARY], held.id,
                                                                         people.id(ALICE)))
    await run(database, clock, lambda v: v.signups.mark_attended(people[SECRETARY], held.id, people.id(QIAN)))
    sheet = await run(database, clock, lambda v: v.signups.sheet(people[SUPERVISOR], held.id))

    assert (first, twice) == (True, False)
    assert [(line.name, line.status, line.attended) for line in sheet] == [
        ("张阿婆", SignUpStatus.CONFIRMED, True), ("张小明", SignUpStatus.WAITLISTED, False), ("钱大叔", None, True)]
    assert await refusal(database, clock, lambda v: v.signups.mark_attended(people[ALICE], held.id,
                                                                            people.id(MING))) is \
        ErrorCode.PERMISSION_DENIED
    assert await refusal(database, clock, lambda v: v.signups.sheet(people[ZHAO], held.id)) is \
        ErrorCode.PERMISSION_DENIED


async def test_the_resolution_then_the_result_reach_scope_and_followers(database: Database, clock: ManualClock,
                                                                        people: People) -> None:
    proposal = TopicProposal(MeetingLevel.VILLAGE, "村里建老年食堂", "方便老人吃饭")
    topic = await run(database, clock, lambda v: v.topics.propose(people[ALICE], proposal))
    await run(database, clock, lambda v: v.topics.support(people[WANG], topic.id))
    held = await meeting(database, clock, people, topic_ids=(topic.id,))

    too_early = await refusal(database, clock, lambda v: v.disclosures.publish_resolution(
        people[SECRETARY], held.id, "同意建设"))
    no_result_yet = await refusal(database, clock, lambda v: v.disclosures.publish_result(
        people[SECRETARY], held.id, "已建成"))
    clock.set(MEETING_START + timedelta(hours=2))
    resolution = await run(database, clock, lambda v: v.disclosures.publish_resolution(
        people[SECRETARY], held.id, "同意建设老年食堂"))
    twice = await refusal(database, clock, lambda v: v.disclosures.publish_resolution(
        people[SECRETARY], held.id, "再来一次"))
    result = await run(database, clock, lambda v: v.disclosures.publish_result(people[SECRETARY], held.id,
                                                                               "食堂已开张"))
    page = await run(database, clock, lambda v: v.meetings.page(people[QIAN], held.id))

    assert (too_early, no_result_yet, twice) == (ErrorCode.MEETING_NOT_STARTED, ErrorCode.MEETING_RESOLUTION_FIRST,
                                                 ErrorCode.MEETING_ALREADY_DISCLOSED)
    assert resolution.meeting.status is MeetingStatus.RESOLVED
    assert set(resolution.agenda[0].followers) == {people.id(ALICE), people.id(WANG)}
    assert people.id(QIAN) in resolution.audience
    assert people.id(ALICE) not in resolution.audience
    assert result.agenda[0].topic.status is TopicStatus.IMPLEMENTED
    assert (page.meeting.resolution, page.meeting.result) == ("同意建设老年食堂", "食堂已开张")


async def test_only_managers_disclose(database: Database, clock: ManualClock, people: People) -> None:
    held = await meeting(database, clock, people)
    clock.set(MEETING_START + timedelta(hours=2))

    code = await refusal(database, clock, lambda v: v.disclosures.publish_resolution(people[SUPERVISOR], held.id,
                                                                                     "同意"))

    assert code is ErrorCode.PERMISSION_DENIED
