"""The two disclosures (两公开) of a meeting: its resolution (决议), later its implementation result (实施结果).

Each goes to everyone in the meeting's scope and stays on the meeting's page. The
proposer and supporters of each topic on the agenda are told what became of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from village.audit import AuditService
from village.clock import Clock
from village.consultation.meetings import MAX_TEXT, Meeting, MeetingStatus, clean_text
from village.consultation.scope import require_manager
from village.consultation.topics import TopicDecision, TopicStatus
from village.errors import ConflictError, ErrorCode, NotFoundError
from village.people import Actor

if TYPE_CHECKING:
    from village.ports import Store


@dataclass(frozen=True)
class Disclosure:
    """A published resolution or result: the meeting after it, whom to tell in general, and each topic's followers.

    `audience` leaves out the followers, who get a message about their own topic instead.
    """

    meeting: Meeting
    audience: tuple[int, ...]
    agenda: tuple[TopicDecision, ...]


class DisclosureService:
    """Publishing a meeting's resolution and implementation result."""

    def __init__(self, store: Store, clock: Clock, audit: AuditService) -> None:
        self._store = store
        self._clock = clock
        self._audit = audit

    async def publish_resolution(self, actor: Actor, meeting_id: int, text: str) -> Disclosure:
        """Publish the resolution of a meeting that has started; its topics become resolved."""
        meeting = await self._managed(actor, meeting_id)
        _require_status(meeting, MeetingStatus.PUBLISHED)
        if not meeting.has_started(self._clock.now()):
            raise ConflictError(ErrorCode.MEETING_NOT_STARTED)
        text = clean_text(text, maximum=MAX_TEXT)
        if not await self._store.meetings.disclose(meeting.id, MeetingStatus.RESOLVED, text, self._clock.now()):
            raise ConflictError(ErrorCode.MEETING_ALREADY_DISCLOSED)
        return await self._disclosed(actor, meeting, "meeting.resolution", TopicStatus.RESOLVED, text)

    async def publish_result(self, actor: Actor, meeting_id: int, text: str) -> Disclosure:
        """Publish the implementation result of a resolved meeting; its topics become implemented."""
        meeting = await self._managed(actor, meeting_id)
        _require_status(meeting, MeetingStatus.RESOLVED)
        text = clean_text(text, maximum=MAX_TEXT)
        if not await self._store.meetings.disclose(meeting.id, MeetingStatus.IMPLEMENTED, text, self._clock.now()):
            raise ConflictError(ErrorCode.MEETING_ALREADY_DISCLOSED)
        return await self._disclosed(actor, meeting, "meeting.result", TopicStatus.IMPLEMENTED, text)

    async def _disclosed(self, actor: Actor, meeting: Meeting, action: str, topic_status: TopicStatus,
                         text: str) -> Disclosure:
        await self._store.topics.set_status_on_meeting(meeting.id, topic_status)
        await self._audit.record(actor, meeting.village_id, action, f"meeting:{meeting.id}",
                                 before={"status": meeting.status.value}, after={"text": text})
        after = await self._store.meetings.get(meeting.id)
        assert after is not None
        agenda = []
        for topic in await self._store.topics.on_meeting(meeting.id):
            followers = (topic.proposer_id, *await self._store.topics.supporters(topic.id))
            agenda.append(TopicDecision(topic, tuple(dict.fromkeys(followers))))
        told = {p for decision in agenda for p in decision.followers}
        scope = await self._store.meetings.people_in_scope(meeting.village_id, meeting.group_id)
        return Disclosure(after, tuple(p for p in scope if p not in told), tuple(agenda))

    async def _managed(self, actor: Actor, meeting_id: int) -> Meeting:
        meeting = await self._store.meetings.get(meeting_id)
        if meeting is None:
            raise NotFoundError()
        require_manager(actor, meeting.village_id, meeting.group_id)
        return meeting


def _require_status(meeting: Meeting, expected: MeetingStatus) -> None:
    if meeting.status is expected:
        return
    refusals = {
        MeetingStatus.DRAFT: ErrorCode.MEETING_NOT_PUBLISHED,
        MeetingStatus.CANCELLED: ErrorCode.MEETING_CANCELLED,
        MeetingStatus.PUBLISHED: ErrorCode.MEETING_RESOLUTION_FIRST,
    }
    raise ConflictError(refusals.get(meeting.status, ErrorCode.MEETING_ALREADY_DISCLOSED))
