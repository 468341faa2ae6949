"""Major village matters through 四议两公开: six stages recorded in order, none skipped.

    党支部会提议 → 两委会商议 → 党员大会审议 → 村民代表会议决议 → 决议公开 → 实施结果公开

The representatives' stage stands only when more than two thirds of the village's
representatives attended and more than half of those present voted for it.
The two public stages are told to the whole village.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from village.audit import AuditService
from village.clock import Clock
from village.consultation.meetings import MAX_TEXT, clean_text, clean_title
from village.errors import ConflictError, ErrorCode, InvalidInputError, NotFoundError
from village.media import MediaKind
from village.people import Actor, Person, people_with_role
from village.permissions import require_member, require_role
from village.roles import Role

if TYPE_CHECKING:
    from village.ports import Store


class MatterStage(StrEnum):
    """The six stages, in their order."""

    BRANCH_PROPOSAL = "branch_proposal"  # 党支部会提议
    COMMITTEES = "committees"  # 两委会商议
    PARTY_MEMBERS = "party_members"  # 党员大会审议
    REPRESENTATIVES = "representatives"  # 村民代表会议决议
    RESOLUTION_PUBLIC = "resolution_public"  # 决议公开
    RESULT_PUBLIC = "result_public"  # 实施结果公开


STAGES: tuple[MatterStage, ...] = tuple(MatterStage)
PUBLIC_STAGES = frozenset({MatterStage.RESOLUTION_PUBLIC, MatterStage.RESULT_PUBLIC})


class MatterStatus(StrEnum):
    """A matter in progress, or with all six stages recorded."""

    OPEN = "open"
    COMPLETE = "complete"


@dataclass(frozen=True)
class Matter:
    """A major matter of a village."""

    id: int
    village_id: int
    title: str
    status: MatterStatus
    opened_at: datetime
    opened_by: int | None = None
    description: str | None = None
    stages_done: int = 0


@dataclass(frozen=True)
class StageDocument:
    """A file kept with a stage: minutes, a notice photo."""

    kind: MediaKind
    media_id: int
    file_name: str | None = None


@dataclass(frozen=True)
class Vote:
    """The representatives' meeting: who was there and how they voted."""

    present: tuple[int, ...]
    representatives: int  # how many the village has
    votes_for: int
    votes_against: int

    @property
    def abstentions(self) -> int:
        """Return how many present did not vote either way."""
        return len(self.present) - self.votes_for - self.votes_against


@dataclass(frozen=True)
class StageEntry:
    """What a cadre records for a stage; `present` and the votes only for the representatives' stage."""

    stage: MatterStage
    held_on: date
    outcome: str
    document: StageDocument | None = None
    present: tuple[int, ...] = ()
    votes_for: int = 0
    votes_against: int = 0


@dataclass(frozen=True)
class StageRecord:
    """A recorded stage."""

    matter_id: int
    stage: MatterStage
    position: int
    held_on: date
    outcome: str
    recorded_at: datetime
    recorded_by: int | None = None
    document: StageDocument | None = None
    vote: Vote | None = None


@dataclass(frozen=True)
class MatterHistory:
    """A matter with its stages so far and what comes next."""

    matter: Matter
    stages: tuple[StageRecord, ...]
    next_stage: MatterStage | None
    may_record: bool


@dataclass(frozen=True)
class StageOutcome:
    """A stage recorded; `audience` is the whole village for the two public stages, else empty."""

    matter: Matter
    record: StageRecord
    audience: tuple[int, ...]


def next_stage(done: int) -> MatterStage | None:
    """Return the stage that comes after `done` recorded ones; None when all six are."""
    return STAGES[done] if done < len(STAGES) else None


def require_next(stage: MatterStage, done: int) -> int:
    """Refuse any stage but the next one; return its position (0 to 5)."""
    expected = next_stage(done)
    if expected is None:
        raise ConflictError(ErrorCode.MATTER_COMPLETE)
    if stage is not expected:
        raise ConflictError(ErrorCode.MATTER_STAGE_OUT_OF_ORDER)
    return done


def check_stage_date(held_on: date, *, previous: date | None, today: date) -> None:
    """Refuse a date in the future, or before the previous stage's."""
    if held_on > today:
        raise InvalidInputError(ErrorCode.MATTER_DATE_IN_FUTURE)
    if previous is not None and held_on < previous:
        raise InvalidInputError(ErrorCode.MATTER_DATE_BEFORE_PREVIOUS)


def quorum_needed(representatives: int) -> int:
    """Return the fewest present that is more than two thirds of `representatives`."""
    return representatives * 2 // 3 + 1


def majority_needed(present: int) -> int:
    """Return the fewest votes for that is more than half of `present`."""
    return present // 2 + 1


def check_quorum(present: int, representatives: int) -> None:
    """Refuse unless more than two thirds of the village's representatives are present."""
    if representatives == 0:
        raise ConflictError(ErrorCode.MATTER_NO_REPRESENTATIVES)
    if present < quorum_needed(representatives):
        raise ConflictError(ErrorCode.MATTER_QUORUM_NOT_MET, total=representatives, present=present,
                            needed=quorum_needed(representatives))


def check_vote(vote: Vote) -> None:
    """Refuse a representatives' decision without a two-thirds attendance or a majority of those present."""
    present = len(vote.present)
    if vote.representatives == 0:
        raise ConflictError(ErrorCode.MATTER_NO_REPRESENTATIVES)
    if vote.votes_for < 0 or vote.votes_against < 0 or vote.votes_for + vote.votes_against > present:
        raise InvalidInputError(ErrorCode.MATTER_VOTES_INVALID, present=present)
    check_quorum(present, vote.representatives)
    if vote.votes_for < majority_needed(present):
        raise ConflictError(ErrorCode.MATTER_MAJORITY_NOT_REACHED, present=present, votes=vote.votes_for,
                            needed=majority_needed(present))


class MatterService:
    """Opening major matters and recording their stages (cadres); reading them (everyone in the village)."""

    def __init__(self, store: Store, clock: Clock, audit: AuditService, zone: ZoneInfo) -> None:
        self._store = store
        self._clock = clock
        self._audit = audit
        self._zone = zone

    async def open(self, actor: Actor, village_id: int, title: str, description: str | None = None) -> Matter:
        """Open a major matter (cadres)."""
        require_role(actor, village_id, Role.CADRE)
        title = clean_title(title)
        text = clean_text(description, maximum=MAX_TEXT) if description else None
        matter_id = await self._store.matters.add(village_id, title, text, actor.person_id, self._clock.now())
        await self._audit.record(actor, village_id, "matter.open", f"matter:{matter_id}", after={"title": title})
        return await self._get(matter_id)

    async def in_village(self, actor: Actor, village_id: int) -> list[Matter]:
        """Return the village's matters, newest first (everyone in the village)."""
        require_member(actor, village_id)
        return await self._store.matters.in_village(village_id)

    async def history(self, actor: Actor, matter_id: int) -> MatterHistory:
        """Return a matter with every stage recorded so far."""
        matter = await self._get(matter_id)
        require_member(actor, matter.village_id)
        stages = await self._store.matters.stages(matter.id)
        return MatterHistory(matter, tuple(stages), next_stage(len(stages)),
                             actor.has_role(matter.village_id, Role.CADRE))

    async def representatives(self, actor: Actor, village_id: int) -> list[Person]:
        """Return the village's representatives (role `representative` in the roster)."""
        require_role(actor, village_id, Role.CADRE)
        holders = await self._store.people.with_roles(village_id, [Role.REPRESENTATIVE])
        return people_with_role(holders, village_id, Role.REPRESENTATIVE)

    async def record_stage(self, actor: Actor, matter_id: int, entry: StageEntry) -> StageOutcome:
        """Record the next stage; refuse one out of order, a bad date, or a representatives' vote that fails."""
        matter = await self._get(matter_id)
        require_role(actor, matter.village_id, Role.CADRE)
        stages = await self._store.matters.stages(matter.id)
        position = require_next(entry.stage, len(stages))
        today = self._clock.now().astimezone(self._zone).date()
        check_stage_date(entry.held_on, previous=stages[-1].held_on if stages else None, today=today)
        vote = await self._vote(actor, matter, entry)
        record = StageRecord(matter.id, entry.stage, position, entry.held_on, clean_text(entry.outcome,
                             maximum=MAX_TEXT), self._clock.now(), actor.person_id, entry.document, vote)
        if not await self._store.matters.add_stage(record):
            raise ConflictError(ErrorCode.MATTER_STAGE_OUT_OF_ORDER)  # another cadre recorded it meanwhile
        await self._audit.record(actor, matter.village_id, "matter.stage", f"matter:{matter.id}", after={
            "stage": entry.stage.value, "held_on": entry.held_on.isoformat(), "outcome": record.outcome,
            **({"present": len(vote.present), "for": vote.votes_for, "against": vote.votes_against} if vote else {})})
        audience: Sequence[int] = ()
        if entry.stage in PUBLIC_STAGES:
            audience = await self._store.meetings.people_in_scope(matter.village_id, None)
        return StageOutcome(await self._get(matter.id), record, tuple(audience))

    async def _vote(self, actor: Actor, matter: Matter, entry: StageEntry) -> Vote | None:
        if entry.stage is not MatterStage.REPRESENTATIVES:
            return None
        representatives = {p.id for p in await self.representatives(actor, matter.village_id)}
        present = tuple(dict.fromkeys(entry.present))
        if not set(present) <= representatives:
            raise InvalidInputError(field="present")
        vote = Vote(present, len(representatives), entry.votes_for, entry.votes_against)
        check_vote(vote)
        return vote

    async def _get(self, matter_id: int) -> Matter:
        matter = await self._store.matters.get(matter_id)
        if matter is None:
            raise NotFoundError()
        return matter
