"""Signing up for a meeting, with a waitlist, and checking in at the venue.

Seats are numbered: a confirmed sign-up holds one seat from 1 to the capacity, and
the database keeps each seat of a meeting unique, so sign-ups racing for the last
seat can never overbook. Whoever finds no free seat joins the waitlist; a freed
seat goes to the first in line.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from village.audit import AuditService
from village.clock import Clock
from village.consultation import checkins
from village.consultation.checkins import CheckIn
from village.consultation.meetings import (
    HELD,
    AttendanceFigures,
    Meeting,
    MeetingStatus,
    checkin_open,
    marking_open,
    require_signup_open,
)
from village.consultation.scope import in_scope, leads_group, require_manager
from village.consultation.settings import ConsultationPolicy
from village.errors import ConflictError, ErrorCode, NotFoundError, PermissionDeniedError
from village.family.deputies import deputies_among, record_for_household
from village.family.models import Deputy
from village.people import Actor, Person
from village.permissions import READERS, require_person

if TYPE_CHECKING:
    from village.ports import Store


class SignUpStatus(StrEnum):
    """A sign-up holds a seat, or waits for one."""

    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"


class CheckInMethod(StrEnum):
    """How attendance was recorded."""

    CODE = "code"  # the resident sent the code shown at the venue
    MARKED = "marked"  # a cadre ticked them off the list


@dataclass(frozen=True)
class SignUp:
    """One person's place for a meeting: a seat number, or a place in the waitlist by `queued_at`."""

    meeting_id: int
    person_id: int
    status: SignUpStatus
    queued_at: datetime
    seat: int | None = None


@dataclass(frozen=True)
class Withdrawal:
    """A cancelled sign-up, and who got the freed seat."""

    meeting: Meeting
    cancelled: SignUp
    promoted: SignUp | None


@dataclass(frozen=True)
class RosterLine:
    """One line of a meeting's sign-up sheet."""

    person_id: int
    name: str
    status: SignUpStatus | None  # None: came without signing up
    attended: bool
    deputy: Deputy | None = None  # a relative signed up for their household (亲情代办)


def attendance_figures(signups: Sequence[SignUp], attended: Collection[int]) -> AttendanceFigures:
    """Count a meeting's seats, waitlist and attendance from its sign-ups and who checked in (walk-ins too)."""
    confirmed = {s.person_id for s in signups if s.status is SignUpStatus.CONFIRMED}
    waiting = sum(1 for s in signups if s.status is SignUpStatus.WAITLISTED)
    return AttendanceFigures(len(confirmed), waiting, len(attended), len(confirmed.intersection(attended)))


def waitlist_order(signups: list[SignUp]) -> list[SignUp]:
    """Return the waitlisted sign-ups in the order they get seats: first come, first served."""
    waiting = [s for s in signups if s.status is SignUpStatus.WAITLISTED]
    return sorted(waiting, key=lambda s: (s.queued_at, s.person_id))


class SignUpService:
    """Sign-up, cancellation with waitlist promotion, the sign-up sheet, and check-in."""

    def __init__(self, store: Store, clock: Clock, audit: AuditService, policy: ConsultationPolicy) -> None:
        self._store = store
        self._clock = clock
        self._audit = audit
        self._policy = policy

    async def sign_up(self, actor: Actor, meeting_id: int) -> SignUp:
        """Take a seat, or a place on the waitlist when the meeting is full."""
        meeting, person = await self._meeting_in_scope(actor, meeting_id)
        require_signup_open(meeting, self._clock.now())
        if await self._store.signups.get(meeting.id, person.id) is not None:
            raise ConflictError(ErrorCode.MEETING_ALREADY_SIGNED_UP)
        await record_for_household(self._audit, actor, meeting.village_id, "meeting.sign_up", f"meeting:{meeting.id}")
        return await self._store.signups.take(meeting.id, person.id, self._clock.now())

    async def cancel(self, actor: Actor, meeting_id: int) -> Withdrawal:
        """Give up one's seat or waitlist place before the start; the first in line gets a freed seat."""
        meeting, person = await self._meeting_in_scope(actor, meeting_id)
        if meeting.status not in HELD or meeting.has_started(self._clock.now()):
            raise ConflictError(ErrorCode.MEETING_STARTED if meeting.status in HELD else ErrorCode.CONFLICT)
        cancelled = await self._store.signups.remove(meeting.id, person.id)
        if cancelled is None:
            raise ConflictError(ErrorCode.MEETING_NOT_SIGNED_UP)
        await record_for_household(self._audit, actor, meeting.village_id, "meeting.cancel_sign_up",
                                   f"meeting:{meeting.id}")
        promoted = None
        if cancelled.status is SignUpStatus.CONFIRMED:
            promoted = await self._store.signups.promote_next(meeting.id, self._clock.now())
        return Withdrawal(meeting, cancelled, promoted)

    async def mine(self, actor: Actor, meeting_id: int) -> SignUp | None:
        """Return the actor's sign-up for the meeting, if any."""
        require_person(actor)
        assert actor.person is not None
        return await self._store.signups.get(meeting_id, actor.person.id)

    async def sheet(self, actor: Actor, meeting_id: int) -> list[RosterLine]:
        """Return the sign-up sheet: confirmed, then waitlisted, then walk-ins (managers and supervisors)."""
        meeting = await self._meeting(meeting_id)
        if not (leads_group(actor, meeting.village_id, meeting.group_id) or actor.has_role(meeting.village_id,
                                                                                           *READERS)):
            raise PermissionDeniedError()
        signups = await self._store.signups.of_meeting(meeting.id)
        attended = set(await self._store.signups.attendees(meeting.id))
        names = {p.id: p.name for p in await self._store.people.in_village(meeting.village_id)}
        ordered = [*(s for s in signups if s.status is SignUpStatus.CONFIRMED), *waitlist_order(signups)]
        deputies = await deputies_among(self._store, [*(s.person_id for s in signups), *attended])
        lines = [RosterLine(s.person_id, names.get(s.person_id, "—"), s.status, s.person_id in attended,
                            deputies.get(s.person_id)) for s in ordered]
        listed = {s.person_id for s in signups}
        lines += [RosterLine(p, names.get(p, "—"), None, True, deputies.get(p)) for p in sorted(attended - listed)]
        return lines

    async def mark_attended(self, actor: Actor, meeting_id: int, person_id: int) -> bool:
        """Record that someone came (a cadre at the venue); return False when already recorded."""
        meeting = await self._meeting(meeting_id)
        require_manager(actor, meeting.village_id, meeting.group_id)
        now = self._clock.now()
        if not marking_open(meeting, now, opens=self._policy.checkin_opens):
            raise ConflictError(ErrorCode.MEETING_CHECKIN_CLOSED)
        person = await self._store.people.get(person_id)
        if person is None or not in_scope(person, meeting.village_id, meeting.group_id):
            raise NotFoundError()
        added = await self._store.signups.attend(meeting.id, person.id, CheckInMethod.MARKED, actor.person_id, now)
        if added:
            await self._audit.record(actor, meeting.village_id, "meeting.attendance", f"meeting:{meeting.id}",
                                     after={"person_id": person.id})
        return added

    async def check_in(self, actor: Actor, code: str, meeting_id: int | None = None) -> CheckIn:
        """Check in with the code shown at the venue; without a meeting, find it by the code.

        A wrong code is stored (it counts towards the limits of `checkins`, so it must not
        raise and roll back) and returned as no meeting with the tries left; checking in twice is fine.
        """
        require_person(actor)
        assert actor.person is not None
        person, now = actor.person, self._clock.now()
        recent = await self._store.signups.failures_of_person(person.id, now - checkins.PERSON_WINDOW)
        if checkins.person_locked(recent):
            raise ConflictError(ErrorCode.MEETING_CHECKIN_TOO_MANY_TRIES)
        code = "".join(ch for ch in code if not ch.isspace())
        candidates, open_now = await self._checkin_candidates(person, code, meeting_id)
        matching = [m for m in open_now if code.isdigit() and m.checkin_code == code]
        if matching:
            return await self._attend_by_code(person, matching[0])
        if meeting_id is not None and candidates and not open_now:
            raise ConflictError(ErrorCode.MEETING_CHECKIN_CLOSED)
        await self._store.signups.add_failure(person.id, [m.id for m in open_now], now)
        return CheckIn(None, checkins.attempts_left(recent + 1))

    async def _attend_by_code(self, person: Person, meeting: Meeting) -> CheckIn:
        if checkins.meeting_locked(await self._store.signups.failures_of_meeting(meeting.id)):
            raise ConflictError(ErrorCode.MEETING_CHECKIN_CODES_BLOCKED)
        await self._store.signups.attend(meeting.id, person.id, CheckInMethod.CODE, None, self._clock.now())
        return CheckIn(meeting)

    async def _checkin_candidates(self, person: Person, code: str,
                                  meeting_id: int | None) -> tuple[list[Meeting], list[Meeting]]:
        """Return the held meetings in the person's scope that the code is for, and those open for check-in now.

        Without a meeting, every meeting open now is a candidate, so that a wrong guess counts against each.
        """
        now = self._clock.now()
        if meeting_id is not None:
            candidates = [m for m in [await self._store.meetings.get(meeting_id)] if m is not None]
        else:
            candidates = await self._store.meetings.active(person.village_id, now - self._policy.checkin_closes)
        candidates = [m for m in candidates if in_scope(person, m.village_id, m.group_id) and m.status in HELD]
        open_now = [m for m in candidates if checkin_open(m, now, opens=self._policy.checkin_opens,
                                                          closes=self._policy.checkin_closes)]
        return candidates, open_now

    async def _meeting_in_scope(self, actor: Actor, meeting_id: int) -> tuple[Meeting, Person]:
        require_person(actor)
        assert actor.person is not None
        meeting = await self._meeting(meeting_id)
        if not in_scope(actor.person, meeting.village_id, meeting.group_id):
            raise PermissionDeniedError(ErrorCode.CONSULTATION_OUT_OF_SCOPE)
        if meeting.status is MeetingStatus.DRAFT:
            raise NotFoundError()
        return meeting, actor.person

    async def _meeting(self, meeting_id: int) -> Meeting:
        meeting = await self._store.meetings.get(meeting_id)
        if meeting is None:
            raise NotFoundError()
        return meeting
