"""MeetingService: planning, publishing, moving and cancelling meetings, and what readers see of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from village.audit import AuditService
from village.clock import Clock
from village.consultation.figures import MeetingFigures, month_figures
from village.consultation.levels import MeetingLevel
from village.consultation.meetings import (
    HELD,
    AttendanceFigures,
    Meeting,
    MeetingPlan,
    MeetingStatus,
    check_capacity,
    check_end,
    check_plan,
    check_start,
    checkin_open,
    clean_text,
    due_reminder,
    moved_deadline,
    new_checkin_code,
    require_planned,
    signup_open,
)
from village.consultation.scope import MANAGERS, can_manage, can_read, in_scope, require_manager, require_reader
from village.consultation.settings import ConsultationPolicy
from village.consultation.signups import SignUp, SignUpStatus, attendance_figures, waitlist_order
from village.consultation.topics import Topic, TopicDecision, TopicStatus, fits
from village.errors import ConflictError, ErrorCode, NotFoundError, PermissionDeniedError
from village.family.deputies import household_deputies
from village.family.models import Deputy
from village.people import Actor, Person
from village.permissions import READERS, require_person
from village.places import Group

if TYPE_CHECKING:
    from village.ports import Store

MAX_CANCEL_REASON = 200
CODE_CLASH_WINDOW = timedelta(days=2)


@dataclass(frozen=True)
class Publication:
    """A published meeting: everyone in scope to tell, and the agenda topics with their followers."""

    meeting: Meeting
    audience: tuple[int, ...]
    agenda: tuple[TopicDecision, ...]


@dataclass(frozen=True)
class AgendaChange:
    """A topic put on an agenda; `announce` when the meeting is published, so its followers hear now."""

    meeting: Meeting
    decision: TopicDecision
    announce: bool


@dataclass(frozen=True)
class MeetingChange:
    """A moved or cancelled meeting: before and after, and everyone signed up (seated or waiting)."""

    before: Meeting
    meeting: Meeting
    signed_up: tuple[int, ...]


@dataclass(frozen=True)
class CapacityChange:
    """A new capacity, and the waitlisted people who got a seat because of it."""

    meeting: Meeting
    promoted: tuple[SignUp, ...]


@dataclass(frozen=True)
class MeetingListing:
    """A meeting in a list, with its figures and the reader's own sign-up."""

    meeting: Meeting
    figures: AttendanceFigures
    mine: SignUp | None


@dataclass(frozen=True)
class MeetingPage:
    """Everything a reader sees on a meeting's page."""

    meeting: Meeting
    group_name: str | None
    agenda: tuple[Topic, ...]
    figures: AttendanceFigures
    mine: SignUp | None
    checked_in: bool
    may_manage: bool
    may_sign_up: bool
    may_check_in: bool
    waitlist_position: int | None = None  # 1 for the first in line
    for_household: tuple[Deputy, ...] = ()  # the reader's relatives signed up for the household (亲情代办)


@dataclass(frozen=True)
class DueReminder:
    """A reminder to send now: which meeting, which one (e.g. 24 h before), to whom."""

    meeting: Meeting
    offset: timedelta
    person_ids: tuple[int, ...]


class MeetingService:
    """Meetings from plan to publication, changes, pages, reminders due and monthly figures."""

    def __init__(self, store: Store, clock: Clock, audit: AuditService, policy: ConsultationPolicy,
                 zone: ZoneInfo) -> None:
        self._store = store
        self._clock = clock
        self._audit = audit
        self._policy = policy
        self._zone = zone

    async def create(self, actor: Actor, village_id: int, plan: MeetingPlan) -> Meeting:
        """Create a draft meeting with its agenda (cadres; group leaders for their group's 宅基议事)."""
        await self._require_planner(actor, village_id, plan)
        plan = check_plan(plan, self._clock.now(), max_capacity=self._policy.max_capacity)
        topics = [await self._agenda_topic(t, village_id, plan.group_id) for t in plan.topic_ids]
        code = new_checkin_code(await self._store.meetings.codes_near(
            village_id, plan.starts_at - CODE_CLASH_WINDOW, plan.ends_at + CODE_CLASH_WINDOW))
        meeting_id = await self._store.meetings.add(village_id, plan, code=code, created_by=actor.person_id,
                                                    now=self._clock.now())
        for topic in topics:
            await self._store.topics.schedule(topic.id, meeting_id, self._clock.now())
        await self._audit.record(actor, village_id, "meeting.create", f"meeting:{meeting_id}", after={
            "title": plan.title, "level": plan.level.value, "group_id": plan.group_id,
            "starts_at": plan.starts_at.isoformat(), "capacity": plan.capacity, "topics": list(plan.topic_ids)})
        return await self._get(meeting_id)

    async def publish(self, actor: Actor, meeting_id: int) -> Publication:
        """Publish a draft for sign-up; return everyone in scope and the agenda's followers to tell."""
        meeting = await self._managed(actor, meeting_id)
        if meeting.status is not MeetingStatus.DRAFT:
            raise ConflictError()
        check_start(meeting.starts_at, self._clock.now())
        if meeting.signup_deadline <= self._clock.now():
            raise ConflictError(ErrorCode.MEETING_DEADLINE_PASSED)
        await self._store.meetings.set_status(meeting.id, MeetingStatus.PUBLISHED, self._clock.now())
        await self._audit.record(actor, meeting.village_id, "meeting.publish", f"meeting:{meeting.id}",
                                 before={"status": meeting.status.value}, after={"status": "published"})
        meeting = await self._get(meeting.id)
        audience = await self._store.meetings.people_in_scope(meeting.village_id, meeting.group_id)
        agenda = [TopicDecision(t, await self._followers(t)) for t in await self._store.topics.on_meeting(meeting.id)]
        return Publication(meeting, tuple(audience), tuple(agenda))

    async def add_topic(self, actor: Actor, meeting_id: int, topic_id: int) -> AgendaChange:
        """Put an open topic on a planned meeting's agenda."""
        meeting = await self._managed(actor, meeting_id)
        require_planned(meeting, self._clock.now())
        topic = await self._agenda_topic(topic_id, meeting.village_id, meeting.group_id)
        if not await self._store.topics.schedule(topic.id, meeting.id, self._clock.now()):
            raise ConflictError(ErrorCode.TOPIC_NOT_OPEN)
        await self._audit.record(actor, meeting.village_id, "topic.schedule", f"topic:{topic.id}",
                                 before={"status": topic.status.value},
                                 after={"status": TopicStatus.SCHEDULED.value, "meeting_id": meeting.id})
        scheduled = await self._store.topics.get(topic.id)
        assert scheduled is not None
        decision = TopicDecision(scheduled, await self._followers(scheduled))
        return AgendaChange(meeting, decision, announce=meeting.status is MeetingStatus.PUBLISHED)

    async def meetings_for_topic(self, actor: Actor, topic_id: int) -> list[Meeting]:
        """Return the planned meetings the actor manages whose agenda may take this topic."""
        topic = await self._store.topics.get(topic_id)
        if topic is None:
            raise NotFoundError()
        require_manager(actor, topic.village_id, topic.group_id)
        now = self._clock.now()
        return [m for m in await self._store.meetings.active(topic.village_id, now)
                if m.status in (MeetingStatus.DRAFT, MeetingStatus.PUBLISHED) and not m.has_started(now)
                and fits(topic, m.village_id, m.group_id) and can_manage(actor, m.village_id, m.group_id)]

    async def agenda_candidates(self, actor: Actor, village_id: int, group_id: int | None) -> list[Topic]:
        """Return the open topics a meeting with this scope may take, most supported first."""
        require_manager(actor, village_id, group_id)
        topics = await self._store.topics.open_in_village(village_id)
        return sorted((t for t in topics if fits(t, village_id, group_id)), key=lambda t: (-t.supports, t.id))

    async def groups(self, actor: Actor) -> list[Group]:
        """Return the groups the actor may plan a group meeting for."""
        require_person(actor)
        assert actor.person is not None
        groups = await self._store.places.groups(actor.person.village_id)
        return [g for g in groups if can_manage(actor, g.village_id, g.id)]

    async def move(self, actor: Actor, meeting_id: int, starts_at: datetime, ends_at: datetime) -> MeetingChange:
        """Move a planned meeting to a new time; everyone signed up is to be told."""
        before = await self._managed(actor, meeting_id)
        now = self._clock.now()
        require_planned(before, now)
        check_start(starts_at, now)
        check_end(starts_at, ends_at)
        deadline = moved_deadline(before, starts_at, now)
        await self._store.meetings.reschedule(before.id, starts_at, ends_at, deadline)
        await self._audit.record(actor, before.village_id, "meeting.move", f"meeting:{before.id}",
                                 before={"starts_at": before.starts_at.isoformat(),
                                         "ends_at": before.ends_at.isoformat()},
                                 after={"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()})
        return MeetingChange(before, await self._get(before.id), await self._signed_up(before.id))

    async def cancel(self, actor: Actor, meeting_id: int, reason: str) -> MeetingChange:
        """Cancel a planned meeting with a reason; its topics go back to collecting supports."""
        before = await self._managed(actor, meeting_id)
        require_planned(before, self._clock.now())
        reason = clean_text(reason, maximum=MAX_CANCEL_REASON)
        await self._store.meetings.cancel(before.id, reason, self._clock.now())
        released = await self._store.topics.release(before.id)
        await self._audit.record(actor, before.village_id, "meeting.cancel", f"meeting:{before.id}",
                                 before={"status": before.status.value},
                                 after={"status": "cancelled", "reason": reason, "released_topics": released})
        return MeetingChange(before, await self._get(before.id), await self._signed_up(before.id))

    async def set_capacity(self, actor: Actor, meeting_id: int, capacity: int) -> CapacityChange:
        """Change the number of seats; never below the confirmed sign-ups. More seats seat the waitlist."""
        meeting = await self._managed(actor, meeting_id)
        require_planned(meeting, self._clock.now())
        confirmed = (await self._store.signups.figures([meeting.id]))[meeting.id].confirmed
        check_capacity(capacity, maximum=self._policy.max_capacity, signed_up=confirmed)
        await self._store.signups.compact_seats(meeting.id)
        await self._store.meetings.set_capacity(meeting.id, capacity)
        promoted = []
        while (seated := await self._store.signups.promote_next(meeting.id, self._clock.now())) is not None:
            promoted.append(seated)
        await self._audit.record(actor, meeting.village_id, "meeting.capacity", f"meeting:{meeting.id}",
                                 before={"capacity": meeting.capacity}, after={"capacity": capacity})
        return CapacityChange(await self._get(meeting.id), tuple(promoted))

    async def upcoming(self, actor: Actor) -> list[MeetingListing]:
        """Return the meetings not yet over that the actor may see; managers also see their drafts."""
        require_person(actor)
        assert actor.person is not None
        meetings = await self._store.meetings.active(actor.person.village_id, self._clock.now())
        shown = [m for m in meetings if can_read(actor, m.village_id, m.group_id)
                 and (m.status is not MeetingStatus.DRAFT or can_manage(actor, m.village_id, m.group_id))]
        return await self._listings(actor, shown)

    async def past(self, actor: Actor, *, limit: int = 10) -> list[MeetingListing]:
        """Return the latest meetings held that the actor may see, newest first."""
        require_person(actor)
        assert actor.person is not None
        meetings = await self._store.meetings.past(actor.person.village_id, self._clock.now())
        shown = [m for m in meetings if can_read(actor, m.village_id, m.group_id)][:limit]
        return await self._listings(actor, shown)

    async def awaiting_disclosure(self, actor: Actor) -> list[MeetingListing]:
        """Return the meetings the actor manages that have begun and still lack their resolution or result."""
        require_person(actor)
        assert actor.person is not None
        now, village_id = self._clock.now(), actor.person.village_id
        meetings = [*await self._store.meetings.active(village_id, now), *await self._store.meetings.past(village_id,
                                                                                                           now)]
        waiting = [m for m in meetings if m.status in (MeetingStatus.PUBLISHED, MeetingStatus.RESOLVED)
                   and m.has_started(now) and can_manage(actor, m.village_id, m.group_id)]
        return await self._listings(actor, sorted(waiting, key=lambda m: m.starts_at))

    async def page(self, actor: Actor, meeting_id: int) -> MeetingPage:
        """Return a meeting's page as the actor may see it."""
        require_person(actor)
        assert actor.person is not None
        meeting = await self._get(meeting_id)
        require_reader(actor, meeting.village_id, meeting.group_id)
        manages = can_manage(actor, meeting.village_id, meeting.group_id)
        if meeting.status is MeetingStatus.DRAFT and not manages:
            raise NotFoundError()
        person, now = actor.person, self._clock.now()
        signups = await self._store.signups.of_meeting(meeting.id)
        attended = await self._store.signups.attendees(meeting.id)
        mine = next((s for s in signups if s.person_id == person.id), None)
        line = [s.person_id for s in waitlist_order(signups)]
        inside = in_scope(person, meeting.village_id, meeting.group_id)
        window = checkin_open(meeting, now, opens=self._policy.checkin_opens, closes=self._policy.checkin_closes)
        return MeetingPage(
            meeting, await self._group_name(meeting), tuple(await self._store.topics.on_meeting(meeting.id)),
            attendance_figures(signups, attended), mine, person.id in attended, manages,
            inside and mine is None and signup_open(meeting, now), inside and window,
            line.index(person.id) + 1 if person.id in line else None, await self._for_household(person, signups))

    async def _for_household(self, person: Person, signups: list[SignUp]) -> tuple[Deputy, ...]:
        relatives = await household_deputies(self._store, person)
        return tuple(relatives[s.person_id] for s in signups if s.person_id in relatives)

    async def signed_up_people(self, actor: Actor, meeting_id: int) -> list[int]:
        """Return the person ids with a confirmed seat (cadres and supervisors of the village)."""
        meeting = await self._get(meeting_id)
        if not actor.has_role(meeting.village_id, *READERS):
            raise PermissionDeniedError()
        signups = await self._store.signups.of_meeting(meeting.id)
        return sorted(s.person_id for s in signups if s.status is SignUpStatus.CONFIRMED)

    async def month_figures(self, village_id: int, year: int, month: int) -> MeetingFigures:
        """Return the month's meetings held, sign-ups, attendance and topics (for the monthly digest)."""
        return await month_figures(self._store, village_id, year, month, zone=self._zone, now=self._clock.now())

    async def due_reminders(self, at: datetime) -> list[DueReminder]:
        """Return the reminders due at `at` for published meetings, to their confirmed sign-ups."""
        offsets = self._policy.reminders
        if not offsets:
            return []
        due = []
        for meeting in await self._store.meetings.published_starting(at, at + max(offsets)):
            offset = _due(meeting, at, offsets)
            people = await self._signed_up(meeting.id, confirmed_only=True) if offset else ()
            if offset and people:
                due.append(DueReminder(meeting, offset, people))
        return due

    async def _require_planner(self, actor: Actor, village_id: int, plan: MeetingPlan) -> None:
        if plan.group_id is not None:
            group = next((g for g in await self._store.places.groups(village_id) if g.id == plan.group_id), None)
            if group is None:
                raise NotFoundError()
        if actor.has_role(village_id, *MANAGERS):
            return
        if plan.level is not MeetingLevel.HOMESTEAD:
            raise PermissionDeniedError()
        require_manager(actor, village_id, plan.group_id)

    async def _agenda_topic(self, topic_id: int, village_id: int, group_id: int | None) -> Topic:
        topic = await self._store.topics.get(topic_id)
        if topic is None or topic.village_id != village_id:
            raise NotFoundError()
        if topic.status is not TopicStatus.OPEN:
            raise ConflictError(ErrorCode.TOPIC_NOT_OPEN)
        if not fits(topic, village_id, group_id):
            raise ConflictError(ErrorCode.TOPIC_WRONG_SCOPE)
        return topic

    async def _listings(self, actor: Actor, meetings: list[Meeting]) -> list[MeetingListing]:
        assert actor.person is not None
        figures = await self._store.signups.figures([m.id for m in meetings])
        mine = await self._store.signups.of_person(actor.person.id, [m.id for m in meetings])
        return [MeetingListing(m, figures[m.id], mine.get(m.id)) for m in meetings]

    async def _followers(self, topic: Topic) -> tuple[int, ...]:
        return tuple(dict.fromkeys([topic.proposer_id, *await self._store.topics.supporters(topic.id)]))

    async def _signed_up(self, meeting_id: int, *, confirmed_only: bool = False) -> tuple[int, ...]:
        signups = await self._store.signups.of_meeting(meeting_id)
        return tuple(s.person_id for s in signups if not confirmed_only or s.status is SignUpStatus.CONFIRMED)

    async def _group_name(self, meeting: Meeting) -> str | None:
        if meeting.group_id is None:
            return None
        groups = await self._store.places.groups(meeting.village_id)
        return next((g.name for g in groups if g.id == meeting.group_id), None)

    async def _managed(self, actor: Actor, meeting_id: int) -> Meeting:
        meeting = await self._get(meeting_id)
        require_manager(actor, meeting.village_id, meeting.group_id)
        return meeting

    async def _get(self, meeting_id: int) -> Meeting:
        meeting = await self._store.meetings.get(meeting_id)
        if meeting is None:
            raise NotFoundError()
        return meeting


def _due(meeting: Meeting, at: datetime, offsets: tuple[timedelta, ...]) -> timedelta | None:
    return due_reminder(meeting.starts_at, at, offsets) if meeting.status in HELD else None
