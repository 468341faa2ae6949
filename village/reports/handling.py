"""Handling reports: accept, consult, start, resolve, reject, reassign, merge, comment; and rating."""

from __future__ import annotations

from datetime import datetime

from village.errors import ConflictError, ErrorCode, InvalidInputError, NotFoundError, PermissionDeniedError
from village.media import StoredMedia
from village.people import Actor, Person
from village.reports.base import ReportBase
from village.reports.model import (
    OPEN_STATUSES,
    RATING_ACTIONS,
    MediaPurpose,
    Milestone,
    Rating,
    Report,
    ReportAction,
    ReportEvent,
    StatusChange,
)
from village.reports.rules import add_working_days, clean_text
from village.reports.transitions import next_status
from village.reports.views import ReportChange, ReportQuery
from village.roles import Role

MERGE_CANDIDATES = 8


class ReportHandling(ReportBase):
    """What the assignee and the village's cadres do with a report, and the reporter's rating."""

    async def prepare(self, actor: Actor, report_id: int, action: ReportAction) -> Report:
        """Return the report if the actor may do `action` to it now (before asking for its details)."""
        report = await self._handled(actor, report_id)
        next_status(report.status, action)
        return report

    def check_note(self, text: str) -> str:
        """Return a handler's note tidied; refuse it when empty, without words or too long."""
        return clean_text(text, self._policy.max_note_chars, words=True)

    async def accept(self, actor: Actor, report_id: int) -> ReportChange:
        """Accept (受理): the resolve deadline starts; a cadre accepting an unassigned report takes it."""
        report = await self._handled(actor, report_id)
        now = self._clock.now()
        return await self._transition(actor, report, ReportAction.ACCEPT, StatusChange(
            report.status, assignee_id=report.assignee_id or actor.person_id, accepted_at=now,
            deadline_at=self._deadline(report)))

    async def consult(self, actor: Actor, report_id: int, parties: str) -> ReportChange:
        """Mark consulting (会商), naming the parties."""
        report = await self._handled(actor, report_id)
        named = clean_text(parties, self._policy.max_note_chars)
        return await self._transition(actor, report, ReportAction.CONSULT, StatusChange(report.status), note=named)

    async def start(self, actor: Actor, report_id: int) -> ReportChange:
        """Start the work (处置中)."""
        report = await self._handled(actor, report_id)
        return await self._transition(actor, report, ReportAction.START, StatusChange(report.status))

    async def resolve(self, actor: Actor, report_id: int, note: str, photo: StoredMedia | None = None) -> ReportChange:
        """Resolve (已办结) with a note and an optional photo; the reporter is then asked to rate."""
        report = await self._handled(actor, report_id)
        text = clean_text(note, self._policy.max_note_chars, words=True)
        change = await self._transition(actor, report, ReportAction.RESOLVE, StatusChange(
            report.status, resolved_at=self._clock.now(), resolution_note=text, clear_rating=True), note=text)
        if photo is not None:
            await self._store.reports.add_media(report.id, MediaPurpose.RESOLUTION, photo, report.reopened)
        return change

    async def reject(self, actor: Actor, report_id: int, reason: str) -> ReportChange:
        """Reject (不予受理) with a reason, which the reporter is told."""
        report = await self._handled(actor, report_id)
        text = clean_text(reason, self._policy.max_note_chars)
        return await self._transition(actor, report, ReportAction.REJECT, StatusChange(
            report.status, closed_at=self._clock.now()), note=text)

    async def assignees(self, actor: Actor, report_id: int) -> list[Person]:
        """Return the grid workers and cadres of the report's village it could go to."""
        report = await self._handled(actor, report_id)
        staff = await self._store.people.with_roles(report.village_id, [Role.GRID_WORKER.value, Role.CADRE.value])
        return [p for p in staff if p.id != report.assignee_id and p.village_id == report.village_id]

    async def reassign(self, actor: Actor, report_id: int, person_id: int) -> ReportChange:
        """Hand the report to another grid worker or cadre of the same village."""
        report = await self._handled(actor, report_id)
        if person_id not in {p.id for p in await self.assignees(actor, report_id)}:
            raise InvalidInputError(ErrorCode.REPORT_BAD_ASSIGNEE)
        return await self._transition(actor, report, ReportAction.REASSIGN, StatusChange(
            report.status, assignee_id=person_id), params={"to": person_id})

    async def merge_candidates(self, actor: Actor, report_id: int) -> list[Report]:
        """Return open reports of the village the report could duplicate, same category first."""
        report = await self._handled(actor, report_id)
        found = await self._store.reports.search(
            ReportQuery(report.village_id, statuses=OPEN_STATUSES), offset=0, limit=100)
        others = [r for r in found if r.id != report.id]
        return sorted(others, key=lambda r: (r.category != report.category, -r.id))[:MERGE_CANDIDATES]

    async def merge(self, actor: Actor, report_id: int, target_id: int) -> ReportChange:
        """Merge as a duplicate (重复) of another open report; its reporter and followers follow that one."""
        report = await self._handled(actor, report_id)
        target = await self._store.reports.get(target_id)
        if target is None or target.village_id != report.village_id:
            raise NotFoundError()
        if target.id == report.id:
            raise InvalidInputError(ErrorCode.REPORT_MERGE_SELF)
        if not target.is_open:
            raise ConflictError(ErrorCode.REPORT_NOT_OPEN)
        change = await self._transition(actor, report, ReportAction.MERGE, StatusChange(
            report.status, merged_into_id=target.id, closed_at=self._clock.now()),
            params={"into": target.id, "into_code": target.code})
        for person_id in change.audience:
            if person_id != target.reporter_id:
                await self._store.reports.follow(target.id, person_id, self._clock.now())
        return change

    async def by_code(self, actor: Actor, report_id: int, code: str) -> Report:
        """Return the report with a typed code in the same village as `report_id` (to merge into)."""
        report = await self._handled(actor, report_id)
        found = await self._store.reports.by_code(code.strip().upper())
        if found is None or found.village_id != report.village_id:
            raise NotFoundError(ErrorCode.REPORT_UNKNOWN_CODE, code=code.strip())
        return found

    async def comment(self, actor: Actor, report_id: int, text: str) -> ReportChange:
        """Add a staff comment to the timeline (not shown to the reporter)."""
        report = await self._handled(actor, report_id)
        note = clean_text(text, self._policy.max_note_chars)
        return await self._transition(actor, report, ReportAction.COMMENT, StatusChange(report.status), note=note)

    async def rate(self, actor: Actor, report_id: int, rating: Rating) -> ReportChange:
        """Rate a resolution (reporter only): 满意 and 基本满意 close it; 不满意 reopens it to 处置中.

        On reopening, `alert` holds the assignee and the village's secretaries.
        """
        report = await self._own(actor, report_id)
        now = self._clock.now()
        if rating is Rating.UNSATISFIED:
            # A new round: the last round's note no longer describes the report (its timeline keeps it).
            fields = StatusChange(report.status, rating=rating, reopened=report.reopened + 1,
                                  deadline_at=self._deadline(report), resolution_note="")
        else:
            fields = StatusChange(report.status, rating=rating, closed_at=now)
        change = await self._transition(actor, report, RATING_ACTIONS[rating], fields, audited=False)
        if rating is not Rating.UNSATISFIED:
            return change
        alert = (*((report.assignee_id,) if report.assignee_id else ()), *await self._secretaries(report.village_id))
        return ReportChange(change.report, change.event, change.audience, tuple(dict.fromkeys(alert)))

    async def rating_note(self, actor: Actor, report_id: int, text: str) -> ReportEvent:
        """Add the reporter's comment to their rating."""
        report = await self._own(actor, report_id)
        if report.rating is None:
            raise ConflictError(ErrorCode.REPORT_WRONG_STATE)
        note = clean_text(text, self._policy.max_note_chars)
        event = await self._event(report, Milestone.RATING_NOTE.value, actor.person_id, note=note,
                                  params={"rating": report.rating.value})
        assert event is not None
        return event

    async def _own(self, actor: Actor, report_id: int) -> Report:
        person = self._member(actor)
        report = await self._report(report_id)
        if report.reporter_id != person.id:
            raise PermissionDeniedError()
        return report

    def _deadline(self, report: Report) -> datetime:
        return add_working_days(self._clock.now(), self._policy.resolve_working_days(report.category), self._zone,
                                self._calendar)

