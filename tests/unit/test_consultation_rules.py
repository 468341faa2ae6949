"""Consultation's pure rules: typed times, schedule checks, capacity, reminders, waitlist order, 四议两公开."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from village.consultation.matters import (
    STAGES,
    MatterStage,
    Vote,
    check_stage_date,
    check_vote,
    majority_needed,
    next_stage,
    quorum_needed,
    require_next,
)
from village.consultation.meetings import (
    check_capacity,
    check_deadline,
    check_end,
    check_start,
    clean_title,
    due_reminder,
    moved_deadline,
    reminder_label,
)
from village.consultation.settings import ConsultationPolicy
from village.consultation.signups import SignUp, SignUpStatus, attendance_figures, waitlist_order
from village.consultation.times import month_bounds, parse_day, parse_moment
from village.errors import ErrorCode, VillageError

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=SHANGHAI)


def local(text: str, on_day: date | None = None) -> str | None:
    moment = parse_moment(text, now=NOW, zone=SHANGHAI, on_day=on_day)
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else None


@pytest.mark.parametrize(("typed", "expected"), [
    ("2026-12-05 14:00", "2026-12-05 14:00"),
    ("12-05 14:00", "2026-12-05 14:00"),
    ("12/5 14:00", "2026-12-05 14:00"),
    ("１２－０５　１４：００", "2026-12-05 14:00"),
    ("12月5日 下午2点", "2026-12-05 14:00"),
    ("12月5日14点半", "2026-12-05 14:30"),
    ("明天 9:30", "2026-11-03 09:30"),
    ("Tomorrow 9:30", "2026-11-03 09:30"),
    ("2026-12-05T14:00", "2026-12-05 14:00"),
    ("1-10 10:00", "2027-01-10 10:00"),
    ("10-01 9:00", "2026-10-01 09:00"),
])
def test_typed_times_are_read_in_the_village_timezone(typed: str, expected: str) -> None:
    assert local(typed) == expected


@pytest.mark.parametrize("typed", ["", "abc", "25:00", "2-30 10:00", "14", "12-05", "下周三"])
def test_unreadable_times_give_none(typed: str) -> None:
    assert local(typed) is None


def test_a_bare_time_falls_on_the_given_day() -> None:
    assert local("16:30", on_day=date(2026, 12, 5)) == "2026-12-05 16:30"


def test_typed_times_come_back_in_utc() -> None:
    moment = parse_moment("12-05 14:00", now=NOW, zone=SHANGHAI)

    assert moment == datetime(2026, 12, 5, 6, 0, tzinfo=UTC)


def test_a_stage_day_without_year_is_the_latest_not_after_today() -> None:
    assert parse_day("11-20", today=NOW.date()) == date(2025, 11, 20)
    assert parse_day("10-20", today=NOW.date()) == date(2026, 10, 20)
    assert parse_day("昨天", today=NOW.date()) == date(2026, 11, 1)
    assert parse_day("someday", today=NOW.date()) is None


def test_month_bounds_are_local_midnights() -> None:
    start, end = month_bounds(2026, 12, SHANGHAI)

    assert start == datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    assert end == datetime(2026, 12, 31, 16, 0, tzinfo=UTC)


def codes(check: object) -> ErrorCode:
    with pytest.raises(VillageError) as refused:
        check()  # type: ignore[operator]
    return refused.value.code


def test_a_start_in_the_past_or_now_is_refused() -> None:
    assert codes(lambda: check_start(NOW, NOW)) is ErrorCode.MEETING_TIME_IN_PAST
    check_start(NOW + timedelta(minutes=1), NOW)


def test_an_end_not_after_the_start_is_refused() -> None:
    assert codes(lambda: check_end(NOW, NOW)) is ErrorCode.MEETING_END_BEFORE_START
    assert codes(lambda: check_end(NOW, NOW - timedelta(hours=1))) is ErrorCode.MEETING_END_BEFORE_START
    check_end(NOW, NOW + timedelta(minutes=1))


def test_a_deadline_after_the_start_or_past_is_refused() -> None:
    start = NOW + timedelta(days=2)

    assert codes(lambda: check_deadline(start + timedelta(minutes=1), start, NOW)) is \
        ErrorCode.MEETING_DEADLINE_AFTER_START
    assert codes(lambda: check_deadline(NOW, start, NOW)) is ErrorCode.MEETING_DEADLINE_PASSED
    check_deadline(start, start, NOW)


def test_capacity_edges() -> None:
    assert codes(lambda: check_capacity(0, maximum=100)) is ErrorCode.MEETING_CAPACITY_INVALID
    assert codes(lambda: check_capacity(101, maximum=100)) is ErrorCode.MEETING_CAPACITY_INVALID
    assert codes(lambda: check_capacity(4, maximum=100, signed_up=5)) is ErrorCode.MEETING_CAPACITY_BELOW_SIGNUPS
    check_capacity(5, maximum=100, signed_up=5)
    check_capacity(1, maximum=100)


def test_titles_are_tidied_and_bounded() -> None:
    assert clean_title("  修   村道  ") == "修 村道"
    assert codes(lambda: clean_title("修")) is ErrorCode.CONSULTATION_TITLE_INVALID
    assert codes(lambda: clean_title("长" * 41)) is ErrorCode.CONSULTATION_TITLE_INVALID
    assert codes(lambda: clean_title("/start")) is ErrorCode.CONSULTATION_TITLE_INVALID


OFFSETS = ConsultationPolicy().reminders  # 24 h, then 1 h


@pytest.mark.parametrize(("before_start", "expected"), [
    (timedelta(hours=25), None),
    (timedelta(hours=24), timedelta(hours=24)),
    (timedelta(hours=2), timedelta(hours=24)),
    (timedelta(hours=1), timedelta(hours=1)),
    (timedelta(minutes=1), timedelta(hours=1)),
    (timedelta(0), None),
    (-timedelta(minutes=5), None),
])
def test_the_latest_due_reminder_is_chosen(before_start: timedelta, expected: timedelta | None) -> None:
    start = NOW + timedelta(days=1)

    assert due_reminder(start, start - before_start, OFFSETS) == expected


def test_reminder_labels_name_hours_or_minutes() -> None:
    assert [reminder_label(o) for o in OFFSETS] == ["24h", "1h"]
    assert reminder_label(timedelta(minutes=90)) == "90m"


def test_reminder_hours_must_be_positive_and_distinct() -> None:
    with pytest.raises(ValueError, match="between"):
        ConsultationPolicy(reminder_hours=(0,))
    with pytest.raises(ValueError, match="differ"):
        ConsultationPolicy(reminder_hours=(1, 1))
    assert ConsultationPolicy(reminder_hours=(1, 48)).reminder_hours == (48, 1)


def test_the_waitlist_is_first_come_first_served() -> None:
    def waiting(person: int, minutes: int) -> SignUp:
        return SignUp(1, person, SignUpStatus.WAITLISTED, NOW + timedelta(minutes=minutes))

    seated = SignUp(1, 9, SignUpStatus.CONFIRMED, NOW, seat=1)
    order = waitlist_order([waiting(5, 3), seated, waiting(7, 1), waiting(6, 3)])

    assert [s.person_id for s in order] == [7, 5, 6]


def test_attendance_counts_seats_the_waitlist_and_who_came_walk_ins_included() -> None:
    signups = [SignUp(1, 1, SignUpStatus.CONFIRMED, NOW, seat=1), SignUp(1, 2, SignUpStatus.CONFIRMED, NOW, seat=2),
               SignUp(1, 3, SignUpStatus.WAITLISTED, NOW)]

    figures = attendance_figures(signups, [2, 3, 9])

    assert (figures.confirmed, figures.waitlisted, figures.attended, figures.attended_confirmed) == (2, 1, 3, 1)


def test_a_moved_meeting_keeps_its_deadline_offset_unless_that_has_passed() -> None:
    from tests.consultation import plan
    from village.consultation.meetings import Meeting, MeetingStatus

    p = plan()
    meeting = Meeting(1, 1, p.level, None, p.title, p.venue_type, p.venue_name, p.starts_at, p.ends_at,
                      p.signup_deadline, p.capacity, MeetingStatus.PUBLISHED, "1234", NOW)

    assert moved_deadline(meeting, p.starts_at + timedelta(days=7), NOW) == p.signup_deadline + timedelta(days=7)
    assert moved_deadline(meeting, NOW + timedelta(hours=2), NOW) == NOW + timedelta(hours=2)


def test_stages_come_in_the_fixed_order() -> None:
    assert [s.value for s in STAGES] == ["branch_proposal", "committees", "party_members", "representatives",
                                        "resolution_public", "result_public"]
    assert next_stage(0) is MatterStage.BRANCH_PROPOSAL
    assert next_stage(6) is None


def test_only_the_next_stage_may_be_recorded() -> None:
    assert require_next(MatterStage.COMMITTEES, 1) == 1
    assert codes(lambda: require_next(MatterStage.PARTY_MEMBERS, 1)) is ErrorCode.MATTER_STAGE_OUT_OF_ORDER
    assert codes(lambda: require_next(MatterStage.BRANCH_PROPOSAL, 1)) is ErrorCode.MATTER_STAGE_OUT_OF_ORDER
    assert codes(lambda: require_next(MatterStage.RESULT_PUBLIC, 6)) is ErrorCode.MATTER_COMPLETE


def test_stage_dates_may_not_be_future_or_before_the_previous() -> None:
    today = NOW.date()

    assert codes(lambda: check_stage_date(today + timedelta(days=1), previous=None, today=today)) is \
        ErrorCode.MATTER_DATE_IN_FUTURE
    assert codes(lambda: check_stage_date(today - timedelta(days=2), previous=today - timedelta(days=1),
                                          today=today)) is ErrorCode.MATTER_DATE_BEFORE_PREVIOUS
    check_stage_date(today, previous=today, today=today)


@pytest.mark.parametrize(("representatives", "needed"), [(1, 1), (2, 2), (3, 3), (4, 3), (6, 5), (51, 35)])
def test_quorum_is_more_than_two_thirds(representatives: int, needed: int) -> None:
    assert quorum_needed(representatives) == needed
    assert (needed - 1) * 3 <= representatives * 2 < needed * 3


@pytest.mark.parametrize(("present", "needed"), [(1, 1), (2, 2), (3, 2), (4, 3), (35, 18)])
def test_majority_is_more_than_half_of_those_present(present: int, needed: int) -> None:
    assert majority_needed(present) == needed


def vote(present: int, total: int, votes_for: int, against: int = 0) -> Vote:
    return Vote(tuple(range(1, present + 1)), total, votes_for, against)


def test_a_vote_at_exactly_two_thirds_lacks_the_quorum() -> None:
    assert codes(lambda: check_vote(vote(4, 6, 4))) is ErrorCode.MATTER_QUORUM_NOT_MET
    check_vote(vote(5, 6, 3))


def test_a_vote_at_exactly_half_is_not_passed() -> None:
    assert codes(lambda: check_vote(vote(6, 6, 3, 3))) is ErrorCode.MATTER_MAJORITY_NOT_REACHED
    check_vote(vote(6, 6, 4, 2))


def test_votes_beyond_those_present_or_negative_are_invalid() -> None:
    assert codes(lambda: check_vote(vote(5, 6, 4, 2))) is ErrorCode.MATTER_VOTES_INVALID
    assert codes(lambda: check_vote(vote(5, 6, -1))) is ErrorCode.MATTER_VOTES_INVALID
    assert codes(lambda: check_vote(vote(0, 0, 0))) is ErrorCode.MATTER_NO_REPRESENTATIVES
    assert vote(5, 6, 3, 1).abstentions == 1
