"""Filing reports: the daily limit, duplicates nearby, routing to the grid worker, following (附和), 代报."""

from __future__ import annotations

from village.errors import ConflictError, ErrorCode, InvalidInputError, NotFoundError, ReportLimitError
from village.family.deputies import record_for_household
from village.geo import GeoPoint
from village.people import Actor, Person
from village.permissions import require_role
from village.reports.base import ReportBase
from village.reports.model import (
    MediaPurpose,
    Milestone,
    NewReport,
    Report,
    ReportDraft,
    ReportMedia,
)
from village.reports.rules import add_working_days, clean_text, local_day_start, month_of, nearest
from village.reports.views import FiledReport, ResidentMatch
from village.roles import Role

NEARBY_SHOWN = 5
RESIDENTS_SHOWN = 8
# Who may file a report for a resident who came in person or phoned (代报).
ON_BEHALF = (Role.GRID_WORKER, Role.CADRE)


class ReportFiling(ReportBase):
    """Filing and following reports."""

    async def check_quota(self, actor: Actor, reporter_id: int | None = None) -> None:
        """Refuse when the reporter already filed the most reports allowed today (local day)."""
        reporter = await self._reporter(actor, reporter_id)
        since = local_day_start(self._clock.now(), self._zone)
        if await self._store.reports.count_filed_since(reporter.id, since) >= self._policy.max_per_day:
            raise ReportLimitError(limit=self._policy.max_per_day)

    def require_on_behalf(self, actor: Actor) -> None:
        """Refuse anyone but the village's grid workers and cadres from filing for others (代报)."""
        person = self._member(actor)
        require_role(actor, person.village_id, *ON_BEHALF)

    def check_description(self, text: str) -> str:
        """Return the description tidied; refuse it when empty or too long."""
        return clean_text(text, self._policy.max_text_chars, words=True)

    def check_address(self, text: str) -> str:
        """Return a typed address tidied; refuse it when empty or too long."""
        return clean_text(text, self._policy.max_address_chars)

    def check_category(self, index: int) -> str:
        """Return the category at `index` of the configured list."""
        if not 0 <= index < len(self._policy.categories):
            raise InvalidInputError(ErrorCode.REPORT_UNKNOWN_CATEGORY)
        return self._policy.categories[index]

    async def nearby(self, actor: Actor, category: str, point: GeoPoint) -> list[Report]:
        """Return open reports of the category within the configured distance, nearest first."""
        person = self._member(actor)
        candidates = await self._store.reports.open_located(person.village_id, category)
        return nearest(point, candidates, self._policy.nearby_meters, NEARBY_SHOWN)

    async def file(self, actor: Actor, draft: ReportDraft, *, reporter_id: int | None = None) -> FiledReport:
        """File a report (for oneself, or 代报 for `reporter_id`) and route it to its grid's worker.

        Raises:
            VillageError: over the daily limit, bad input, or 代报 by someone not allowed.
        """
        reporter = await self._reporter(actor, reporter_id)
        draft = self._validated(draft)
        await self.check_quota(actor, reporter_id)
        village = await self._store.places.village(reporter.village_id)
        if village is None:
            raise NotFoundError()
        assignee = await self._grid_worker(reporter)
        now = self._clock.now()
        report = await self._store.reports.add(NewReport(
            village_id=village.id, village_code=village.code, month=month_of(now, self._zone), draft=draft,
            reporter_id=reporter.id, filed_by_id=self._member(actor).id, grid_id=reporter.grid_id,
            assignee_id=assignee.id if assignee else None, created_at=now,
            accept_due_at=add_working_days(now, self._policy.accept_working_days, self._zone, self._calendar)))
        media = await self._keep_media(report, draft)
        await self._event(report, Milestone.FILED.value, actor.person_id,
                          params={"on_behalf": True} if report.on_behalf else None)
        if report.on_behalf:
            await self._audit.record(actor, report.village_id, "report.file_for", f"report:{report.id}",
                                     after={"reporter_id": reporter.id, "code": report.code})
        await record_for_household(self._audit, actor, report.village_id, "report.file", f"report:{report.id}",
                                   code=report.code)
        handlers = (assignee.id,) if assignee else tuple(p.id for p in await self._cadres(village.id))
        return FiledReport(report, handlers, media)

    async def follow(self, actor: Actor, report_id: int) -> Report:
        """Join an open report of one's village (附和): be counted and kept informed like its reporter."""
        person = self._member(actor)
        report = await self._report(report_id)
        self._require_village(actor, report)
        if not report.is_open:
            raise ConflictError(ErrorCode.REPORT_NOT_OPEN)
        if person.id != report.reporter_id and await self._store.reports.follow(report.id, person.id,
                                                                                self._clock.now()):
            await self._event(report, Milestone.FOLLOWED.value, person.id)
        return await self._report(report.id)

    async def find_residents(self, actor: Actor, query: str) -> list[ResidentMatch]:
        """Return the village's people whose name contains `query` or whose phone ends with it (for 代报)."""
        person = self._member(actor)
        require_role(actor, person.village_id, *ON_BEHALF)
        wanted = "".join(query.split())
        if not wanted:
            raise InvalidInputError(ErrorCode.REPORT_TEXT_EMPTY)
        people = await self._store.people.in_village(person.village_id)
        if wanted.isdigit() and len(wanted) >= 4:
            found = [p for p in people if (p.phone or "").endswith(wanted)]
        else:
            found = [p for p in people if wanted in p.name]
        households = {h.id: h.label for h in await self._store.places.households(person.village_id)}
        groups = {g.id: g.name for g in await self._store.places.groups(person.village_id)}
        return [ResidentMatch(p, households.get(p.household_id or 0), groups.get(p.group_id or 0))
                for p in found[:RESIDENTS_SHOWN]]

    async def _reporter(self, actor: Actor, reporter_id: int | None) -> Person:
        """Return who the report is for: the actor, or (代报) a person of the actor's village."""
        person = self._member(actor)
        if reporter_id is None or reporter_id == person.id:
            return person
        require_role(actor, person.village_id, *ON_BEHALF)
        reporter = await self._store.people.get(reporter_id)
        if reporter is None or reporter.village_id != person.village_id:
            raise NotFoundError()
        return reporter

    def _validated(self, draft: ReportDraft) -> ReportDraft:
        if draft.category not in self._policy.categories:
            raise InvalidInputError(ErrorCode.REPORT_UNKNOWN_CATEGORY)
        text = clean_text(draft.text, self._policy.max_text_chars, required=False, words=draft.voice is None)
        if not text and draft.voice is None:
            raise InvalidInputError(ErrorCode.REPORT_NO_DESCRIPTION)
        if len(draft.photos) > self._policy.max_photos:
            raise InvalidInputError(ErrorCode.REPORT_TOO_MANY_PHOTOS, limit=self._policy.max_photos)
        address = clean_text(draft.address, self._policy.max_address_chars, required=False)
        return ReportDraft(draft.category, text, draft.voice, draft.photos, draft.point, address, draft.anonymous)

    async def _grid_worker(self, reporter: Person) -> Person | None:
        """Return the grid worker of the reporter's grid (首问负责), None when the grid has none."""
        if reporter.grid_id is None:
            return None
        workers = await self._store.people.with_roles(reporter.village_id, [Role.GRID_WORKER.value])
        return next((w for w in workers if w.grid_id == reporter.grid_id), None)

    async def _keep_media(self, report: Report, draft: ReportDraft) -> tuple[ReportMedia, ...]:
        for position, photo in enumerate(draft.photos):
            await self._store.reports.add_media(report.id, MediaPurpose.REPORT, photo, position)
        if draft.voice is not None:
            await self._store.reports.add_media(report.id, MediaPurpose.REPORT, draft.voice, len(draft.photos))
        return tuple(await self._store.reports.media(report.id))
