"""Appeals (申诉): a household member disputes a published result in time; a cadre upholds or revises it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from village.audit import AuditService
from village.clock import Clock
from village.convention.access import acting_village, require_household_member, require_not_own_household
from village.convention.assessments import AssessmentService, Published
from village.convention.lookups import Lookups
from village.convention.models import Appeal, AppealStatus, Assessment, Convention
from village.convention.periods import Period
from village.convention.policy import ConventionPolicy
from village.convention.rules import appeal_deadline
from village.errors import ConflictError, ErrorCode, InvalidInputError, NotFoundError
from village.family.deputies import deputy_of, record_for_household
from village.family.models import Deputy
from village.media import StoredMedia
from village.people import Actor, Person
from village.permissions import READERS, require_role
from village.places import Household
from village.roles import Role

if TYPE_CHECKING:
    from village.ports import Store

MAX_APPEAL = 500


@dataclass(frozen=True)
class AppealCase:
    """An appeal with the result it disputes."""

    appeal: Appeal
    assessment: Assessment
    household: Household
    convention: Convention
    period: Period
    appellant: Person
    deputy: Deputy | None = None  # a relative appealed for the household (亲情代办)


@dataclass(frozen=True)
class AppealFiled:
    """A new appeal, and who must hear of it: the cadres decide, the supervisors watch."""

    case: AppealCase
    cadres: tuple[Person, ...]
    supervisors: tuple[Person, ...]


@dataclass(frozen=True)
class AppealDecision:
    """The outcome: the appeal as decided, the revised result if any, and who to tell."""

    case: AppealCase
    recipients: tuple[int, ...]
    revised: Published | None = None


class AppealService:
    """Filing and deciding appeals."""

    def __init__(self, store: Store, clock: Clock, audit: AuditService, lookups: Lookups,
                 policy: ConventionPolicy, assessments: AssessmentService) -> None:
        self._store = store
        self._clock = clock
        self._audit = audit
        self._lookups = lookups
        self._policy = policy
        self._assessments = assessments

    async def check_open(self, actor: Actor, assessment_id: int) -> Assessment:
        """Return the result if the actor's household may still appeal it; refuse otherwise."""
        result = await self._store.assessments.get(assessment_id)
        if result is None or not result.is_published or result.published_at is None:
            raise NotFoundError()
        require_household_member(actor, result.household_id)
        if self._clock.now() > appeal_deadline(result.published_at, self._policy.appeal_days):
            raise ConflictError(ErrorCode.APPEAL_TOO_LATE, days=self._policy.appeal_days)
        earlier = await self._store.appeals.latest_for(result.id)
        if earlier is not None:  # one appeal per result: a decided one is final
            code = ErrorCode.APPEAL_PENDING if earlier.status is AppealStatus.OPEN else ErrorCode.APPEAL_DECIDED
            raise ConflictError(code)
        return result

    async def file(self, actor: Actor, assessment_id: int, reason: str,
                   voice: StoredMedia | None = None) -> AppealFiled:
        """File an appeal with a typed reason or a voice message."""
        result = await self.check_open(actor, assessment_id)
        text = " ".join(reason.split())
        if not text and voice is None:
            raise InvalidInputError(ErrorCode.CONVENTION_REASON_REQUIRED)
        if len(text) > MAX_APPEAL:
            raise InvalidInputError(ErrorCode.CONVENTION_TEXT_TOO_LONG, limit=MAX_APPEAL)
        assert actor.person is not None
        appeal_id = await self._store.appeals.add(Appeal(
            0, result.id, result.village_id, result.household_id, actor.person.id, text, AppealStatus.OPEN,
            self._clock.now(), voice.id if voice else None))
        if appeal_id is None:  # another member's appeal won the race: one open appeal per result
            raise ConflictError(ErrorCode.APPEAL_PENDING)
        await record_for_household(self._audit, actor, result.village_id, "appeal.file", f"appeal:{appeal_id}",
                                   assessment_id=result.id)
        case = await self._case(appeal_id)
        cadres = await self._store.people.with_roles(result.village_id, [Role.CADRE])
        supervisors = [p for p in await self._store.people.with_roles(result.village_id, [Role.SUPERVISOR])
                       if p not in cadres]
        return AppealFiled(case, tuple(cadres), tuple(supervisors))

    async def pending(self, actor: Actor) -> list[AppealCase]:
        """Return the open appeals of the actor's village (cadres and supervisors)."""
        village_id = acting_village(actor)
        require_role(actor, village_id, *READERS)
        return [await self._case(a.id) for a in await self._store.appeals.open_in_village(village_id)]

    async def case(self, actor: Actor, appeal_id: int) -> AppealCase:
        """Return an open appeal for a cadre about to decide it."""
        case = await self._case(appeal_id)
        require_role(actor, case.appeal.village_id, Role.CADRE)
        require_not_own_household(actor, case.household)
        if case.appeal.status is not AppealStatus.OPEN:
            raise ConflictError(ErrorCode.APPEAL_DECIDED)
        return case

    async def uphold(self, actor: Actor, appeal_id: int, note: str) -> AppealDecision:
        """Keep the result as published; the household is told why."""
        case = await self.case(actor, appeal_id)
        note = _note(note)
        await self._decide(actor, case, AppealStatus.UPHELD, note)
        return AppealDecision(await self._case(appeal_id), await self._recipients(case))

    async def revise(self, actor: Actor, appeal_id: int, *, deductions: Mapping[int, int],
                     reasons: Mapping[int, str], note: str) -> AppealDecision:
        """Revise the disputed result (reason required) and close the appeal."""
        case = await self.case(actor, appeal_id)
        revised = await self._assessments.revise(actor, case.assessment.id, deductions=deductions, reasons=reasons,
                                                 note=note)
        await self._decide(actor, case, AppealStatus.REVISED, _note(note))
        return AppealDecision(await self._case(appeal_id), await self._recipients(case), revised)

    async def _decide(self, actor: Actor, case: AppealCase, status: AppealStatus, note: str) -> None:
        if not await self._store.appeals.decide(case.appeal.id, status, by=actor.person_id, note=note,
                                                now=self._clock.now()):
            raise ConflictError(ErrorCode.APPEAL_DECIDED)
        await self._audit.record(actor, case.appeal.village_id, f"appeal.{status.value}", f"appeal:{case.appeal.id}",
                                 before={"status": AppealStatus.OPEN.value},
                                 after={"status": status.value, "note": note})

    async def _case(self, appeal_id: int) -> AppealCase:
        appeal = await self._store.appeals.get(appeal_id)
        if appeal is None:
            raise NotFoundError()
        result = await self._store.assessments.get(appeal.assessment_id)
        appellant = await self._store.people.get(appeal.person_id)
        assert result is not None
        assert appellant is not None
        return AppealCase(appeal, result, await self._lookups.household(result.household_id),
                          await self._lookups.version(result.convention_id), Period.parse(result.period), appellant,
                          await deputy_of(self._store, appellant))

    async def _recipients(self, case: AppealCase) -> tuple[int, ...]:
        heads = [p.id for p in await self._lookups.heads(case.household.id)]
        return tuple(dict.fromkeys([case.appeal.person_id, *heads]))


def _note(text: str) -> str:
    note = " ".join(text.split())
    if not note:
        raise InvalidInputError(ErrorCode.CONVENTION_REASON_REQUIRED)
    if len(note) > MAX_APPEAL:
        raise InvalidInputError(ErrorCode.CONVENTION_TEXT_TOO_LONG, limit=MAX_APPEAL)
    return note
