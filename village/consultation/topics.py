"""Topics (议题) residents bring to the village, and supports (附议) from their neighbours.

A topic belongs to the proposer's group (homestead level) or to the whole village.
Once its supports reach the level's threshold the managers are told; a manager puts
it on a meeting's agenda (`MeetingService.add_topic`) or declines it with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from village.audit import AuditService
from village.clock import Clock
from village.consultation.levels import MeetingLevel, is_group_level
from village.consultation.meetings import MAX_TEXT, clean_text, clean_title
from village.consultation.scope import can_manage, can_read, in_scope, require_manager, require_reader
from village.consultation.settings import ConsultationPolicy
from village.errors import ConflictError, ErrorCode, InvalidInputError, NotFoundError, PermissionDeniedError
from village.family.deputies import deputy_of, record_for_household
from village.family.models import Deputy
from village.people import Actor, Person
from village.permissions import require_person
from village.roles import Role

if TYPE_CHECKING:
    from village.ports import Store

MAX_REASON = 300


class TopicStatus(StrEnum):
    """Where a topic is: collecting supports, on an agenda, declined, or decided at a meeting."""

    OPEN = "open"
    SCHEDULED = "scheduled"
    DECLINED = "declined"
    RESOLVED = "resolved"
    IMPLEMENTED = "implemented"


@dataclass(frozen=True)
class TopicProposal:
    """What a resident proposes: a title, and the detail as text or a voice message."""

    level: MeetingLevel
    title: str
    body: str | None = None
    voice_media_id: int | None = None


@dataclass(frozen=True)
class Topic:
    """A proposed topic with its number of supports."""

    id: int
    village_id: int
    group_id: int | None
    level: MeetingLevel
    title: str
    proposer_id: int
    status: TopicStatus
    created_at: datetime
    supports: int = 0
    body: str | None = None
    voice_media_id: int | None = None
    meeting_id: int | None = None
    decline_reason: str | None = None
    threshold_reached_at: datetime | None = None


@dataclass(frozen=True)
class TopicView:
    """A topic as one reader sees it."""

    topic: Topic
    proposer_name: str
    threshold: int
    supported_by_me: bool
    may_support: bool
    may_decide: bool
    deputy: Deputy | None = None  # a relative proposed it for their household (亲情代办)


@dataclass(frozen=True)
class SupportOutcome:
    """A support given: the topic after it, and whom to tell if it just reached the threshold."""

    topic: Topic
    threshold: int
    reached: bool
    managers: tuple[int, ...] = ()


@dataclass(frozen=True)
class TopicDecision:
    """A manager's decision on a topic, and the proposer and supporters to tell."""

    topic: Topic
    followers: tuple[int, ...]


def fits(topic: Topic, village_id: int, group_id: int | None) -> bool:
    """Tell whether a topic may go on the agenda of a meeting with this scope.

    A village meeting takes any topic of the village; a group's meeting only that group's topics.
    """
    return topic.village_id == village_id and (group_id is None or topic.group_id == group_id)


class TopicService:
    """Proposing, supporting, listing and declining topics."""

    def __init__(self, store: Store, clock: Clock, audit: AuditService, policy: ConsultationPolicy) -> None:
        self._store = store
        self._clock = clock
        self._audit = audit
        self._policy = policy

    def threshold(self, level: MeetingLevel) -> int:
        """Return how many supports a topic of `level` needs."""
        return self._policy.support_thresholds.for_level(level)

    async def open_topics(self, actor: Actor) -> list[Topic]:
        """Return the open topics the actor may see (their group's and the village's), most supported first."""
        require_person(actor)
        person = _person(actor)
        topics = await self._store.topics.open_in_village(person.village_id)
        visible = [t for t in topics if can_read(actor, t.village_id, t.group_id)]
        return sorted(visible, key=lambda t: (-t.supports, t.id))

    async def mine(self, actor: Actor) -> list[Topic]:
        """Return the topics the actor proposed, newest first."""
        require_person(actor)
        return await self._store.topics.proposed_by(_person(actor).id)

    async def view(self, actor: Actor, topic_id: int) -> TopicView:
        """Return a topic with what the actor may do with it."""
        topic = await self._readable(actor, topic_id)
        person = _person(actor)
        supported = person.id in await self._store.topics.supporters(topic.id)
        proposer = await self._store.people.get(topic.proposer_id)
        may_support = (topic.status is TopicStatus.OPEN and topic.proposer_id != person.id
                       and in_scope(person, topic.village_id, topic.group_id))
        return TopicView(topic, proposer.name if proposer else "—", self.threshold(topic.level), supported,
                         may_support, topic.status is TopicStatus.OPEN and can_manage(actor, topic.village_id,
                                                                                         topic.group_id),
                         await deputy_of(self._store, proposer))

    async def propose(self, actor: Actor, proposal: TopicProposal) -> Topic:
        """File a new topic in the proposer's group (homestead level) or village."""
        require_person(actor)
        person = _person(actor)
        if is_group_level(proposal.level) and person.group_id is None:
            raise InvalidInputError(ErrorCode.TOPIC_NEEDS_GROUP)
        body = clean_text(proposal.body, maximum=MAX_TEXT) if proposal.body else None
        if body is None and proposal.voice_media_id is None:
            raise InvalidInputError(ErrorCode.CONSULTATION_TEXT_INVALID, min=2, max=MAX_TEXT)
        group_id = person.group_id if is_group_level(proposal.level) else None
        topic_id = await self._store.topics.add(
            person.village_id, group_id, TopicProposal(proposal.level, clean_title(proposal.title), body,
                                                       proposal.voice_media_id), person.id, self._clock.now())
        await record_for_household(self._audit, actor, person.village_id, "topic.propose", f"topic:{topic_id}")
        return await self._get(topic_id)

    async def support(self, actor: Actor, topic_id: int) -> SupportOutcome:
        """Add the actor's support (once); report whether the topic just reached its threshold."""
        topic, person = await self._supportable(actor, topic_id)
        if not await self._store.topics.add_support(topic.id, person.id, self._clock.now()):
            raise ConflictError(ErrorCode.TOPIC_ALREADY_SUPPORTED)
        await record_for_household(self._audit, actor, topic.village_id, "topic.support", f"topic:{topic.id}")
        topic = await self._get(topic.id)
        threshold = self.threshold(topic.level)
        if topic.supports < threshold or not await self._store.topics.mark_threshold(topic.id, self._clock.now()):
            return SupportOutcome(topic, threshold, reached=False)
        return SupportOutcome(topic, threshold, reached=True, managers=await self._managers(topic))

    async def withdraw(self, actor: Actor, topic_id: int) -> Topic:
        """Take the actor's support back while the topic is still open."""
        topic, person = await self._supportable(actor, topic_id)
        if not await self._store.topics.remove_support(topic.id, person.id):
            raise ConflictError(ErrorCode.TOPIC_NOT_SUPPORTED)
        return await self._get(topic.id)

    async def decline(self, actor: Actor, topic_id: int, reason: str) -> TopicDecision:
        """Decline an open topic with a reason; return whom to tell."""
        topic = await self._get(topic_id)
        require_manager(actor, topic.village_id, topic.group_id)
        reason = clean_text(reason, maximum=MAX_REASON)
        if not await self._store.topics.decline(topic.id, reason, actor.person_id, self._clock.now()):
            raise ConflictError(ErrorCode.TOPIC_NOT_OPEN)
        await self._audit.record(actor, topic.village_id, "topic.decline", f"topic:{topic.id}",
                                 before={"status": topic.status.value},
                                 after={"status": TopicStatus.DECLINED.value, "reason": reason})
        return TopicDecision(await self._get(topic.id), await self.followers(topic.id))

    async def followers(self, topic_id: int) -> tuple[int, ...]:
        """Return the proposer and the supporters of a topic."""
        topic = await self._get(topic_id)
        return tuple(dict.fromkeys([topic.proposer_id, *await self._store.topics.supporters(topic_id)]))

    async def _managers(self, topic: Topic) -> tuple[int, ...]:
        cadres = await self._store.people.with_roles(topic.village_id, [Role.CADRE])
        leaders = []
        if topic.group_id is not None:
            holders = await self._store.people.with_roles(topic.village_id, [Role.GROUP_LEADER])
            leaders = [p for p in holders if p.group_id == topic.group_id]
        return tuple(dict.fromkeys(p.id for p in [*cadres, *leaders]))

    async def _supportable(self, actor: Actor, topic_id: int) -> tuple[Topic, Person]:
        require_person(actor)
        person = _person(actor)
        topic = await self._readable(actor, topic_id)
        if not in_scope(person, topic.village_id, topic.group_id):
            raise PermissionDeniedError(ErrorCode.CONSULTATION_OUT_OF_SCOPE)
        if topic.proposer_id == person.id:
            raise ConflictError(ErrorCode.TOPIC_OWN)
        if topic.status is not TopicStatus.OPEN:
            raise ConflictError(ErrorCode.TOPIC_NOT_OPEN)
        return topic, person

    async def _readable(self, actor: Actor, topic_id: int) -> Topic:
        require_person(actor)
        topic = await self._get(topic_id)
        require_reader(actor, topic.village_id, topic.group_id)
        return topic

    async def _get(self, topic_id: int) -> Topic:
        topic = await self._store.topics.get(topic_id)
        if topic is None:
            raise NotFoundError()
        return topic


def _person(actor: Actor) -> Person:
    assert actor.person is not None  # require_person ran first
    return actor.person
