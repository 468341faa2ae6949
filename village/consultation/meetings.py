"""Consultation meetings: what a meeting is, and the pure rules for times, capacity and windows."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from village.consultation.levels import MeetingLevel, VenueType, is_group_level
from village.errors import ConflictError, ErrorCode, InvalidInputError

MAX_TITLE = 40
MAX_VENUE = 60
MAX_TEXT = 1000
MIN_TEXT = 2
CHECKIN_CODE_DIGITS = 6  # with the attempt limits of checkins.py, too many to guess


class MeetingStatus(StrEnum):
    """A meeting's life: drafted, published for sign-up, then resolved and implemented; or cancelled."""

    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"
    RESOLVED = "resolved"  # the resolution (决议) is published
    IMPLEMENTED = "implemented"  # the implementation result (实施结果) is published


PLANNED = frozenset({MeetingStatus.DRAFT, MeetingStatus.PUBLISHED})
HELD = frozenset({MeetingStatus.PUBLISHED, MeetingStatus.RESOLVED, MeetingStatus.IMPLEMENTED})


@dataclass(frozen=True)
class MeetingPlan:
    """What a cadre fills in to create a meeting."""

    level: MeetingLevel
    group_id: int | None
    title: str
    venue_type: VenueType
    venue_name: str
    starts_at: datetime
    ends_at: datetime
    signup_deadline: datetime
    capacity: int
    topic_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Meeting:
    """A meeting of one village, for the whole village or one group (`group_id`)."""

    id: int
    village_id: int
    level: MeetingLevel
    group_id: int | None
    title: str
    venue_type: VenueType
    venue_name: str
    starts_at: datetime
    ends_at: datetime
    signup_deadline: datetime
    capacity: int
    status: MeetingStatus
    checkin_code: str
    created_at: datetime
    created_by: int | None = None
    version: int = 1  # goes up each time the meeting is moved, so reminders follow the new time
    published_at: datetime | None = None
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    resolution: str | None = None
    resolution_at: datetime | None = None
    result: str | None = None
    result_at: datetime | None = None

    def has_started(self, now: datetime) -> bool:
        """Tell whether the meeting's start time has come."""
        return now >= self.starts_at

    def has_ended(self, now: datetime) -> bool:
        """Tell whether the meeting's end time has passed."""
        return now >= self.ends_at


@dataclass(frozen=True)
class AttendanceFigures:
    """Sign-ups and attendance of one meeting."""

    confirmed: int
    waitlisted: int
    attended: int  # everyone checked in, walk-ins included
    attended_confirmed: int  # of those signed up, how many came

    @property
    def rate(self) -> float | None:
        """Return the share of confirmed sign-ups who came; None when nobody signed up."""
        return self.attended_confirmed / self.confirmed if self.confirmed else None


def clean_text(raw: str, *, maximum: int, minimum: int = MIN_TEXT,
               code: ErrorCode = ErrorCode.CONSULTATION_TEXT_INVALID) -> str:
    """Return typed text with its spaces tidied; refuse it when too short or too long."""
    text = "\n".join(" ".join(line.split()) for line in raw.strip().splitlines()).strip()
    if len(text) < minimum or len(text) > maximum or text.startswith("/"):
        raise InvalidInputError(code, min=minimum, max=maximum)
    return text


def clean_title(raw: str) -> str:
    """Return a title on one line, 2 to MAX_TITLE characters."""
    return clean_text(" ".join(raw.split()), maximum=MAX_TITLE, code=ErrorCode.CONSULTATION_TITLE_INVALID)


def check_start(starts_at: datetime, now: datetime) -> None:
    """Refuse a start time that has passed."""
    if starts_at <= now:
        raise InvalidInputError(ErrorCode.MEETING_TIME_IN_PAST)


def check_end(starts_at: datetime, ends_at: datetime) -> None:
    """Refuse an end that is not after the start."""
    if ends_at <= starts_at:
        raise InvalidInputError(ErrorCode.MEETING_END_BEFORE_START)


def check_deadline(deadline: datetime, starts_at: datetime, now: datetime) -> None:
    """Refuse a sign-up deadline after the start, or one that has passed."""
    if deadline > starts_at:
        raise InvalidInputError(ErrorCode.MEETING_DEADLINE_AFTER_START)
    if deadline <= now:
        raise InvalidInputError(ErrorCode.MEETING_DEADLINE_PASSED)


def check_capacity(capacity: int, *, maximum: int, signed_up: int = 0) -> None:
    """Refuse a capacity outside 1..maximum, or below the sign-ups already confirmed."""
    if not 1 <= capacity <= maximum:
        raise InvalidInputError(ErrorCode.MEETING_CAPACITY_INVALID, max=maximum)
    if capacity < signed_up:
        raise InvalidInputError(ErrorCode.MEETING_CAPACITY_BELOW_SIGNUPS, count=signed_up)


def check_plan(plan: MeetingPlan, now: datetime, *, max_capacity: int) -> MeetingPlan:
    """Validate a whole plan (the conversation checked each answer already; check again)."""
    if is_group_level(plan.level) and plan.group_id is None:
        raise InvalidInputError(field="group")
    venue = clean_text(plan.venue_name, maximum=MAX_VENUE, code=ErrorCode.MEETING_VENUE_INVALID)
    check_start(plan.starts_at, now)
    check_end(plan.starts_at, plan.ends_at)
    check_deadline(plan.signup_deadline, plan.starts_at, now)
    check_capacity(plan.capacity, maximum=max_capacity)
    return MeetingPlan(plan.level, plan.group_id, clean_title(plan.title), plan.venue_type, venue, plan.starts_at,
                       plan.ends_at, plan.signup_deadline, plan.capacity, tuple(dict.fromkeys(plan.topic_ids)))


def require_planned(meeting: Meeting, now: datetime) -> None:
    """Refuse changing a meeting that is cancelled, already disclosed, or has started."""
    if meeting.status is MeetingStatus.CANCELLED:
        raise ConflictError(ErrorCode.MEETING_CANCELLED)
    if meeting.status not in PLANNED or meeting.has_started(now):
        raise ConflictError(ErrorCode.MEETING_STARTED)


def require_signup_open(meeting: Meeting, now: datetime) -> None:
    """Refuse a sign-up unless the meeting is published and its deadline has not passed."""
    if meeting.status is MeetingStatus.CANCELLED:
        raise ConflictError(ErrorCode.MEETING_CANCELLED)
    if meeting.status is MeetingStatus.DRAFT:
        raise ConflictError(ErrorCode.MEETING_NOT_PUBLISHED)
    if meeting.status is not MeetingStatus.PUBLISHED or now >= meeting.signup_deadline or meeting.has_started(now):
        raise ConflictError(ErrorCode.MEETING_SIGNUP_CLOSED)


def signup_open(meeting: Meeting, now: datetime) -> bool:
    """Tell whether people may sign up now."""
    return meeting.status is MeetingStatus.PUBLISHED and now < meeting.signup_deadline and not meeting.has_started(now)


def checkin_open(meeting: Meeting, now: datetime, *, opens: timedelta, closes: timedelta) -> bool:
    """Tell whether people may check in with the code: from `opens` before the start to `closes` after the end."""
    return meeting.status in HELD and meeting.starts_at - opens <= now <= meeting.ends_at + closes


# Sign-up deadlines offered as buttons: a day before, two hours before, until the start.
DEADLINE_CHOICES = {"1d": timedelta(days=1), "2h": timedelta(hours=2), "0h": timedelta(0)}


def deadline_options(starts_at: datetime, now: datetime) -> dict[str, datetime]:
    """Return the offered deadlines that are still ahead, by their button name."""
    return {name: starts_at - before for name, before in DEADLINE_CHOICES.items() if starts_at - before > now}


def marking_open(meeting: Meeting, now: datetime, *, opens: timedelta) -> bool:
    """Tell whether a cadre may tick people off the sign-up sheet: from check-in's opening on."""
    return meeting.status in HELD and now >= meeting.starts_at - opens


def moved_deadline(meeting: Meeting, starts_at: datetime, now: datetime) -> datetime:
    """Return the sign-up deadline of a moved meeting: as long before the new start as before the old one."""
    deadline = starts_at - (meeting.starts_at - meeting.signup_deadline)
    return deadline if deadline > now else starts_at


def new_checkin_code(taken: set[str]) -> str:
    """Return a random 6-digit code that no nearby meeting of the village uses."""
    while True:
        code = str(secrets.randbelow(10 ** CHECKIN_CODE_DIGITS - 10 ** (CHECKIN_CODE_DIGITS - 1))
                   + 10 ** (CHECKIN_CODE_DIGITS - 1))
        if code not in taken:
            return code


def due_reminder(starts_at: datetime, at: datetime, offsets: tuple[timedelta, ...]) -> timedelta | None:
    """Return the latest reminder due at `at` (the shortest offset whose time has come); None if none or started.

    A reminder whose time passed while a later one is due is skipped: an hour before
    the meeting nobody needs the day-before reminder as well.
    """
    if at >= starts_at:
        return None
    due = [offset for offset in offsets if at >= starts_at - offset]
    return min(due) if due else None


def reminder_label(offset: timedelta) -> str:
    """Return a reminder's name in idempotency keys: `24h`, `1h`, `90m`."""
    minutes = int(offset.total_seconds() // 60)
    return f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes}m"
