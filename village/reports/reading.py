"""Reading reports: my reports, a report's timeline, the staff view, the public board, queues, exports."""

from __future__ import annotations

from village.errors import ErrorCode, NotFoundError, PermissionDeniedError
from village.family.deputies import deputy_of, household_deputies
from village.people import Actor
from village.permissions import READERS, require_role
from village.places import Grid
from village.reports.access import sees_in_full, visible_to_follower
from village.reports.base import STAFF, ReportBase
from village.reports.figures import ReportFigures, compute_figures
from village.reports.model import (
    OPEN_STATUSES,
    MediaPurpose,
    Milestone,
    Report,
    ReportAction,
    ReportEvent,
    ReportStatus,
)
from village.reports.rules import is_overdue, month_bounds
from village.reports.views import (
    Board,
    ExportRow,
    QueueFilter,
    QueuePage,
    ReporterView,
    ReportQuery,
    StaffView,
    StatusFilter,
)

MINE_SHOWN = 30
BOARD_SHOWN = 200
# Timeline rows a reporter sees; comments, reassignments and reminders are for staff.
PUBLIC_KINDS = frozenset({
    Milestone.FILED, ReportAction.ACCEPT, ReportAction.CONSULT, ReportAction.START, ReportAction.RESOLVE,
    ReportAction.REJECT, ReportAction.MERGE, ReportAction.RATE_SATISFIED, ReportAction.RATE_BASIC,
    ReportAction.RATE_UNSATISFIED, ReportAction.AUTO_CLOSE, Milestone.RATING_NOTE,
})


class ReportReading(ReportBase):
    """What residents, staff and the digest read about reports."""

    async def mine(self, actor: Actor) -> list[Report]:
        """Return the reports I filed or follow, and those our linked relatives filed for us, newest first."""
        person = self._member(actor)
        found = {r.id: r for r in await self._store.reports.of_person(person.id, MINE_SHOWN)}
        for relative_id in await household_deputies(self._store, person):
            found |= {r.id: r for r in await self._store.reports.of_person(relative_id, MINE_SHOWN)
                      if r.reporter_id == relative_id}
        return sorted(found.values(), key=lambda r: r.id, reverse=True)[:MINE_SHOWN]

    async def reporter_view(self, actor: Actor, report_id: int) -> ReporterView:
        """Return a report and its public timeline for its reporter, a follower, or the village's staff."""
        person = self._member(actor)
        report = await self._report(report_id)
        followers = await self._store.reports.followers(report.id)
        staff = sees_in_full(actor, report)
        # A relative's report for the household is the household's own (亲情代办): its members read it in full.
        ours = person.id == report.reporter_id or report.reporter_id in await household_deputies(self._store, person)
        if not ours and person.id not in followers and not staff:
            raise PermissionDeniedError()
        events = tuple(e for e in await self._store.reports.events(report.id) if e.kind in PUBLIC_KINDS)
        if not ours and not staff:
            events = visible_to_follower(events, report)
        media = tuple(await self._store.reports.media(report.id))
        can_rate = report.status is ReportStatus.RESOLVED and person.id == report.reporter_id
        return ReporterView(report, events, media, can_rate, await self._names(e.actor_id for e in events),
                            await deputy_of(self._store, await self._store.people.get(report.reporter_id)))

    async def staff_view(self, actor: Actor, report_id: int) -> StaffView:
        """Return a report in full for those `access.sees_in_full` allows; anonymous reporters stay hidden (匿名)."""
        report = await self._report(report_id)
        if not sees_in_full(actor, report):
            raise PermissionDeniedError()
        events = tuple(await self._store.reports.events(report.id))
        people = self._store.people
        reporter = None if report.anonymous else await people.get(report.reporter_id)
        filed_by = await people.get(report.filed_by_id) if report.on_behalf else None
        assignee = await people.get(report.assignee_id) if report.assignee_id else None
        grids = {g.id: g for g in await self._store.places.grids(report.village_id)}
        names = await self._names([*(e.actor_id for e in events), *(e.params.get("to") for e in events)])
        return StaffView(
            report, tuple(await self._store.reports.media(report.id)), events, reporter, filed_by, assignee,
            grids.get(report.grid_id) if report.grid_id else None, self._can_handle(actor, report),
            self._can_reveal(actor, report) and report.anonymous, names, await deputy_of(self._store, reporter))

    async def reveal_reporter(self, actor: Actor, report_id: int) -> str:
        """Return who filed an anonymous report, for the village's cadres and supervisors; audited each time."""
        report = await self._report(report_id)
        require_role(actor, report.village_id, *READERS)
        reporter = await self._store.people.get(report.reporter_id)
        if reporter is None:
            raise NotFoundError()
        await self._audit.record(actor, report.village_id, "report.reveal_reporter", f"report:{report.id}",
                                 after={"anonymous": report.anonymous})
        return reporter.name

    async def board(self, actor: Actor) -> Board:
        """Return the village's public list (挂牌消项): open reports by category, and the month's closed count."""
        person = self._member(actor)
        village = await self._store.places.village(person.village_id)
        if village is None:
            raise NotFoundError()
        now = self._clock.now()
        local = now.astimezone(self._zone)
        start, end = month_bounds(local.year, local.month, self._zone)
        found = await self._store.reports.search(
            ReportQuery(village.id, statuses=OPEN_STATUSES), offset=0, limit=BOARD_SHOWN)
        closed = await self._store.reports.count_resolved_between(village.id, start, end)
        return Board(village, tuple(found), closed, now)

    async def queue(self, actor: Actor, wanted: QueueFilter, page: int, per_page: int) -> QueuePage:
        """Return a page of the actor's queue: the village's for cadres and supervisors, one's own for grid workers."""
        person = self._member(actor)
        village_id = person.village_id
        require_role(actor, village_id, *STAFF)
        now = self._clock.now()
        sees_all = actor.has_role(village_id, *READERS)
        query = ReportQuery(village_id, statuses=_statuses(wanted.status), category=wanted.category,
                            grid_id=wanted.grid_id, assignee_id=None if sees_all else person.id,
                            overdue_at=now if wanted.overdue else None)
        page = max(page, 0)
        found, total = await self._store.reports.search_counted(query, offset=page * per_page, limit=per_page)
        if not found and page > 0:  # past the end (the queue shrank since the page was shown): its last page
            total = await self._store.reports.count(query)
            page = min(page, max(1, -(-total // per_page)) - 1)
            found = await self._store.reports.search(query, offset=page * per_page, limit=per_page)
        pages = max(1, -(-total // per_page))
        overdue = frozenset(r.id for r in found if is_overdue(r, now))
        return QueuePage(tuple(found), total, page, pages, overdue)

    async def grids(self, actor: Actor) -> list[Grid]:
        """Return the grids of the actor's village, for the queue's filter."""
        person = self._member(actor)
        require_role(actor, person.village_id, *STAFF)
        return await self._store.places.grids(person.village_id)

    async def export(self, actor: Actor, village_code: str, year: int, month: int) -> list[ExportRow]:
        """Return the reports filed in a month, for a spreadsheet; anonymous reporters are left out (匿名)."""
        village = await self._store.places.village_by_code(village_code.upper())
        if village is None:
            raise NotFoundError(ErrorCode.UNKNOWN_VILLAGE, code=village_code.upper())
        require_role(actor, village.id, *READERS)
        start, end = month_bounds(year, month, self._zone)
        reports = await self._store.reports.created_between(village.id, start, end)
        grids = {g.id: g.name for g in await self._store.places.grids(village.id)}
        names = await self._names(p for r in reports for p in (r.reporter_id, r.filed_by_id, r.assignee_id))
        rows = []
        for r in reports:
            photos = sum(1 for m in await self._store.reports.media(r.id)
                         if m.purpose is MediaPurpose.REPORT and m.media.kind.value == "photo")
            rows.append(ExportRow(r, None if r.anonymous else names.get(r.reporter_id),
                                  names.get(r.filed_by_id) if r.on_behalf else None,
                                  names.get(r.assignee_id) if r.assignee_id else None,
                                  grids.get(r.grid_id) if r.grid_id else None, photos))
        return rows

    async def month_figures(self, village_id: int, year: int, month: int) -> ReportFigures:
        """Return the village's report figures for a calendar month (in the configured timezone).

        For the monthly digest job, which is trusted: no actor. See `ReportFigures` for each figure's meaning.
        """
        start, end = month_bounds(year, month, self._zone)
        created = await self._store.reports.created_between(village_id, start, end)
        events: list[ReportEvent] = await self._store.reports.events_between(village_id, start, end)
        filed_at = await self._store.reports.filed_at(sorted({e.report_id for e in events}))
        return compute_figures((r.category for r in created), events, filed_at)


def _statuses(wanted: StatusFilter) -> frozenset[ReportStatus] | None:
    if wanted is StatusFilter.OPEN:
        return OPEN_STATUSES
    if wanted is StatusFilter.ALL:
        return None
    return frozenset({ReportStatus(wanted.value)})


