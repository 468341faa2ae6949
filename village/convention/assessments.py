"""Assessing households (美丽约定): drafts per household, publication per group and period, revisions.

A result is a draft until its group's period is published; after that it changes
only through a revision by a cadre (directly, or deciding an appeal), each in the
audit log with before and after.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from village.audit import AuditService
from village.clock import Clock
from village.convention.access import acting_village, require_assessor, require_not_own_household
from village.convention.figures import AssessmentFigures, Figures, Outstanding, ReminderPlan
from village.convention.lookups import Lookups
from village.convention.models import (
    Assessment,
    AssessmentFields,
    Convention,
    Deduction,
    Rectification,
)
from village.convention.periods import Period
from village.convention.policy import ConventionPolicy
from village.convention.rules import RectificationStatus, appeal_deadline, period_reward
from village.convention.sheets import SheetReader, template
from village.errors import ConflictError, ErrorCode, InvalidInputError, PermissionDeniedError
from village.media import StoredMedia
from village.people import Actor, Person
from village.permissions import require_role
from village.places import Group, Household
from village.roles import Role

if TYPE_CHECKING:
    from village.ports import Store

MAX_REASON = 300
PERIOD_CHOICES = 3


@dataclass(frozen=True)
class HouseholdLine:
    """A household on the assessment screen: its result so far, and unfinished rectification."""

    household: Household
    assessment: Assessment | None
    open_tasks: int = 0


@dataclass(frozen=True)
class GroupSheet:
    """A group's households for one period, as an assessor sees them."""

    group: Group
    period: Period
    convention: Convention
    lines: tuple[HouseholdLine, ...]

    @property
    def missing(self) -> list[Household]:
        """Return the households not assessed at all."""
        return [line.household for line in self.lines if line.assessment is None]

    @property
    def drafts(self) -> int:
        """Return how many results wait to be published."""
        return sum(1 for line in self.lines if line.assessment and not line.assessment.is_published)


@dataclass(frozen=True)
class HouseholdSheet:
    """One household's assessment screen: the clauses, the result so far, earlier rectification."""

    household: Household
    group: Group
    period: Period
    convention: Convention
    assessment: Assessment | None
    rectifications: tuple[Rectification, ...]


@dataclass(frozen=True)
class Published:
    """A published (or revised) result with everything its notice names."""

    assessment: Assessment
    household: Household
    period: Period
    convention: Convention
    heads: tuple[Person, ...]
    tasks: tuple[Rectification, ...]
    appeal_until: datetime


class AssessmentService:
    """Entering, publishing and revising households' results."""

    def __init__(self, store: Store, clock: Clock, audit: AuditService, lookups: Lookups,
                 policy: ConventionPolicy) -> None:
        self._store = store
        self._clock = clock
        self._audit = audit
        self._lookups = lookups
        self._policy = policy

    async def periods(self, actor: Actor) -> list[Period]:
        """Return the periods an assessor may pick: the current one and those just before, newest first."""
        convention = await self._lookups.convention(acting_village(actor))
        current = Period.of(self._lookups.today(), convention.period_kind)
        return current.recent(PERIOD_CHOICES)[::-1]

    async def groups(self, actor: Actor) -> list[Group]:
        """Return the groups the actor assesses: all of the village for cadres, their own for a leader."""
        village_id = acting_village(actor)
        groups = [g for g in await self._store.places.groups(village_id)
                  if actor.has_role(village_id, Role.CADRE) or _leads(actor, g)]
        if not groups:
            raise PermissionDeniedError()
        return groups

    async def group_sheet(self, actor: Actor, group_id: int, period_code: str) -> GroupSheet:
        """Return the group's households with their state for the period."""
        group = await self._lookups.group_for(actor, group_id)
        require_assessor(actor, group)
        convention = await self._lookups.convention(group.village_id)
        period = self._lookups.period(period_code, convention)
        results = {a.household_id: a for a in await self._store.assessments.in_group(group.id, period.code)}
        unfinished = await self._store.rectifications.unfinished(group.village_id, period.code)
        lines = tuple(HouseholdLine(h, results.get(h.id), unfinished.get(h.id, 0))
                      for h in await self._lookups.households_of(group))
        return GroupSheet(group, period, convention, lines)

    async def household_sheet(self, actor: Actor, household_id: int, period_code: str) -> HouseholdSheet:
        """Return one household's screen: clauses, the result so far, earlier rectification outcomes."""
        household, group = await self._assessable(actor, household_id)
        current = await self._lookups.convention(group.village_id)
        period = self._lookups.period(period_code, current)
        existing = await self._store.assessments.of_household(household.id, period.code)
        convention = await self._lookups.version(existing.convention_id) if existing else current
        tasks = [t for t in await self._store.rectifications.of_household(household.id, 20)
                 if t.period < period.code and t.status is not RectificationStatus.CANCELLED]
        return HouseholdSheet(household, group, period, convention, existing, tuple(tasks[:5]))

    async def save_draft(
        self, actor: Actor, household_id: int, period_code: str, *,
        deductions: Mapping[int, int], reasons: Mapping[int, str], photo: StoredMedia | None = None,
    ) -> Assessment:
        """Save the household's draft for the period; a published result is refused."""
        household, group = await self._assessable(actor, household_id)
        period = self._lookups.period(period_code, await self._lookups.convention(group.village_id))
        existing = await self._store.assessments.of_household(household.id, period.code)
        if existing is not None and existing.is_published:
            raise ConflictError(ErrorCode.ASSESSMENT_PUBLISHED)
        convention = (await self._lookups.version(existing.convention_id) if existing
                      else await self._lookups.convention(group.village_id))
        checked = checked_deductions(convention, deductions, reasons)
        return await self.store_draft(actor, household, period, convention, checked, photo=photo, keep=existing)

    async def store_draft(
        self, actor: Actor, household: Household, period: Period, convention: Convention,
        deductions: tuple[Deduction, ...], *, photo: StoredMedia | None = None, keep: Assessment | None = None,
    ) -> Assessment:
        """Write a checked draft and audit it (also used by spreadsheet imports)."""
        require_not_own_household(actor, household)
        total, face = convention.score({d.clause_id: d.points for d in deductions})
        fields = AssessmentFields(
            village_id=household.village_id, group_id=household.group_id, household_id=household.id,
            period=period.code, convention_id=convention.id, total=total, face=face, deductions=deductions,
            assessor_label=actor.label, assessor_id=actor.person_id,
            photo_media_id=photo.id if photo else (keep.photo_media_id if keep else None),
        )
        assessment_id = await self._store.assessments.save_draft(fields, self._clock.now())
        if assessment_id is None:
            raise ConflictError(ErrorCode.ASSESSMENT_PUBLISHED)
        await self._audit.record(actor, household.village_id, "assessment.draft", f"assessment:{assessment_id}",
                                 after={"household": household.label, "period": period.code, "total": total,
                                        "face": face.value})
        saved = await self._store.assessments.get(assessment_id)
        assert saved is not None
        return saved

    async def publish(self, actor: Actor, group_id: int, period_code: str, *,
                      include_missing: bool = False) -> list[Published]:
        """Publish every draft of the group's period; refuse while households are missing unless confirmed."""
        sheet = await self.group_sheet(actor, group_id, period_code)
        drafts = [line.assessment for line in sheet.lines if line.assessment and not line.assessment.is_published]
        if not drafts:
            raise ConflictError(ErrorCode.NOTHING_TO_PUBLISH)
        if sheet.missing and not include_missing:
            raise ConflictError(ErrorCode.MISSING_HOUSEHOLDS, count=len(sheet.missing))
        for line in sheet.lines:
            if line.assessment in drafts:
                require_not_own_household(actor, line.household)
        published = [await self._publish_one(draft, sheet.period) for draft in drafts]
        await self._audit.record(actor, sheet.group.village_id, "assessment.publish",
                                 f"group:{sheet.group.id}:{sheet.period.code}",
                                 after={"published": len(published), "missing": [h.label for h in sheet.missing]})
        return published

    async def revise(
        self, actor: Actor, assessment_id: int, *,
        deductions: Mapping[int, int], reasons: Mapping[int, str], note: str,
    ) -> Published:
        """Change a published result (cadres); the reason is required and the change audited."""
        before = await self._store.assessments.get(assessment_id)
        if before is None:
            raise ConflictError(ErrorCode.NOT_FOUND)
        require_role(actor, before.village_id, Role.CADRE)
        require_not_own_household(actor, await self._lookups.household(before.household_id))
        if not before.is_published:
            raise ConflictError()
        note = _reason(note)
        convention = await self._lookups.version(before.convention_id)
        checked = checked_deductions(convention, deductions, reasons)
        period = Period.parse(before.period)
        total, face = convention.score({d.clause_id: d.points for d in checked})
        reward = period_reward(convention.reward, period, face)
        if not await self._store.assessments.revise(before, total=total, face=face, deductions=checked,
                                                    released=reward.released, withheld=reward.withheld,
                                                    now=self._clock.now()):
            raise ConflictError()
        after = await self._store.assessments.get(assessment_id)
        assert after is not None
        await self._audit.record(actor, before.village_id, "assessment.revise", f"assessment:{assessment_id}",
                                 before=before.snapshot(), after={**after.snapshot(), "reason": note})
        return await self._published(after, period, convention, revised=True)

    async def template(self, actor: Actor, village_code: str, group_name: str, period_code: str) -> list[list[str]]:
        """Return a spreadsheet of the group's households not yet published, a column per clause."""
        village = await self._lookups.village_by_code(village_code)
        group = await self._lookups.group_named(village.id, group_name)
        require_assessor(actor, group)
        convention = await self._lookups.convention(village.id)
        period = self._lookups.period(period_code, convention)
        results = {a.household_id: a for a in await self._store.assessments.in_group(group.id, period.code)}
        open_households = [(h, results.get(h.id)) for h in await self._lookups.households_of(group)
                           if not (h.id in results and results[h.id].is_published)]
        return template(convention, village, group.name, period, open_households)

    async def import_table(self, actor: Actor, table: Sequence[Sequence[str]]) -> int:
        """Check every row, then store each as a draft; return how many.

        Raises:
            ImportRejectedError: any bad row (all are listed); nothing was written.
        """
        planned = await SheetReader(self._store, self._lookups, actor).plan(table)
        for draft in planned:
            deductions = checked_deductions(draft.convention, draft.points, dict.fromkeys(draft.points, draft.reason))
            await self.store_draft(actor, draft.household, draft.period, draft.convention, deductions,
                                   keep=draft.existing)
        villages = sorted({d.household.village_id for d in planned})
        for village_id in villages:
            await self._audit.record(actor, village_id, "assessment.import", f"village:{village_id}",
                                     after={"drafts": sum(1 for d in planned if d.household.village_id == village_id)})
        return len(planned)

    async def month_figures(self, village_id: int, year: int, month: int) -> AssessmentFigures:
        """Return the figures of the period containing the month (no actor: for the monthly digest)."""
        return await Figures(self._store, self._lookups).month(village_id, year, month)

    async def outstanding(self, village_id: int, period: Period) -> list[Outstanding]:
        """Return each group with households still to assess or publish for the period (no actor: jobs)."""
        return await Figures(self._store, self._lookups).outstanding(village_id, period)

    async def reminder_plan(self, village_id: int, on: date) -> ReminderPlan | None:
        """Return the reminders due on a day for the period just ended; None when all is done (no actor: jobs)."""
        return await Figures(self._store, self._lookups).reminder_plan(village_id, on)

    async def _assessable(self, actor: Actor, household_id: int) -> tuple[Household, Group]:
        household = await self._lookups.household(household_id)
        group = await self._lookups.group(household.village_id, household.group_id)
        require_assessor(actor, group)
        require_not_own_household(actor, household)
        return household, group

    async def _publish_one(self, draft: Assessment, period: Period) -> Published:
        convention = await self._lookups.version(draft.convention_id)
        reward = period_reward(convention.reward, period, draft.face)
        if not await self._store.assessments.publish(draft.id, released=reward.released, withheld=reward.withheld,
                                                     now=self._clock.now()):
            raise ConflictError(ErrorCode.ASSESSMENT_PUBLISHED)
        published = await self._store.assessments.get(draft.id)
        assert published is not None
        return await self._published(published, period, convention, revised=False)

    async def _published(self, result: Assessment, period: Period, convention: Convention, *,
                         revised: bool) -> Published:
        """Open rectification tasks for a failing result (a revision first cancels the old ones)."""
        now = self._clock.now()
        if revised:
            for task in await self._store.rectifications.of_assessment(result.id):
                if task.status in UNFINISHED:
                    await self._store.rectifications.move(task, RectificationStatus.CANCELLED, now=now)
        tasks = []
        if not convention.reward.passes(result.face):
            for deduction in result.deductions:
                clause = convention.clause(deduction.clause_id)
                task = Rectification(0, result.id, result.village_id, result.household_id, deduction.clause_id,
                                     clause.name if clause else "", result.period,
                                     now + self._policy.rectification_time, RectificationStatus.OPEN)
                tasks.append(replace(task, id=await self._store.rectifications.add(task)))
        household = await self._lookups.household(result.household_id)
        assert result.published_at is not None
        return Published(result, household, period, convention, tuple(await self._lookups.heads(household.id)),
                         tuple(tasks), appeal_deadline(result.published_at, self._policy.appeal_days))


UNFINISHED = frozenset({RectificationStatus.OPEN, RectificationStatus.REPORTED, RectificationStatus.NOT_FIXED})


def _leads(actor: Actor, group: Group) -> bool:
    person = actor.person
    return person is not None and person.group_id == group.id and person.has_role(group.village_id,
                                                                                     Role.GROUP_LEADER)


def _reason(text: str) -> str:
    reason = " ".join(text.split())
    if not reason:
        raise InvalidInputError(ErrorCode.CONVENTION_REASON_REQUIRED)
    if len(reason) > MAX_REASON:
        raise InvalidInputError(ErrorCode.CONVENTION_TEXT_TOO_LONG, limit=MAX_REASON)
    return reason


def checked_deductions(
    convention: Convention, points: Mapping[int, int], reasons: Mapping[int, str]
) -> tuple[Deduction, ...]:
    """Return the deductions in clause order, refusing unknown clauses, too many points or a missing reason."""
    for clause_id in points:
        if convention.clause(clause_id) is None:
            raise InvalidInputError(ErrorCode.CONVENTION_UNKNOWN_CLAUSE, value=str(clause_id))
    checked = []
    for clause in convention.clauses:
        deducted = points.get(clause.id, 0)
        if deducted < 0 or deducted > clause.points:
            raise InvalidInputError(ErrorCode.DEDUCTION_TOO_LARGE, clause=clause.name, points=clause.points)
        if deducted:
            checked.append(Deduction(clause.id, deducted, _reason(reasons.get(clause.id, ""))))
    return tuple(checked)

