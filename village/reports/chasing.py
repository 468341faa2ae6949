"""Nothing forgotten: what the daily jobs find due — overdue reminders, escalations, feedback, auto-close.

Each reminder is recorded as a timeline milestone under a unique key, so a job
run again (or after a restart) finds nothing new; the outbox keys are the same.
"""

from __future__ import annotations

from datetime import datetime

from village.reports.base import ReportBase
from village.reports.model import Lapse, Milestone, Report, ReportAction, ReportStatus, StatusChange
from village.reports.rules import add_working_days, lapse_due
from village.reports.views import Chase, ReportChange

# A second lapse (one more working day past the deadline) escalates to the secretary.
ESCALATE_AFTER_WORKING_DAYS = 1


class ReportChasing(ReportBase):
    """Decides, from the data, which reminders are due; the jobs in handlers/ send them."""

    async def chase_overdue(self, at: datetime) -> list[Chase]:
        """Record and return the reminders due at `at`: first lapse to the assignee, second to the secretary."""
        chases: list[Chase] = []
        for report in await self._store.reports.overdue(at):
            due = lapse_due(report)
            assert due is not None
            lapse = Lapse.ACCEPT if report.status is ReportStatus.SUBMITTED else Lapse.RESOLVE
            base = f"report:{report.id}:{lapse.value}:{int(due.timestamp())}"
            chases += await self._remind(report, lapse, base, at)
            if at >= add_working_days(due, ESCALATE_AFTER_WORKING_DAYS, self._zone, self._calendar):
                chases += await self._escalate(report, lapse, base, at)
        return chases

    async def _remind(self, report: Report, lapse: Lapse, base: str, at: datetime) -> list[Chase]:
        key = f"{base}:remind"
        if await self._event(report, Milestone.OVERDUE.value, None, key=key, params={"lapse": lapse.value}) is None:
            return []
        recipients = (report.assignee_id,) if report.assignee_id else tuple(
            p.id for p in await self._cadres(report.village_id))
        return [Chase(report, f"overdue-{lapse.value}", key, recipients)]

    async def _escalate(self, report: Report, lapse: Lapse, base: str, at: datetime) -> list[Chase]:
        key = f"{base}:escalate"
        if await self._event(report, Milestone.ESCALATED.value, None, key=key, params={"lapse": lapse.value}) is None:
            return []
        assignee = await self._store.people.get(report.assignee_id) if report.assignee_id else None
        return [Chase(report, f"escalate-{lapse.value}", key, await self._secretaries(report.village_id), assignee)]

    async def chase_feedback(self, at: datetime) -> tuple[list[Chase], list[ReportChange]]:
        """Remind reporters to rate resolutions, then close those still unrated after the feedback period.

        A report closes only on a run after its reminder was recorded, so every reporter gets one reminder.
        """
        reminders: list[Chase] = []
        closed: list[ReportChange] = []
        for report in await self._store.reports.resolved_before(at - self._policy.feedback_reminder):
            assert report.resolved_at is not None
            key = f"report:{report.id}:feedback:{int(report.resolved_at.timestamp())}"
            if await self._event(report, Milestone.FEEDBACK_REMINDED.value, None, key=key) is not None:
                reminders.append(Chase(report, "feedback", key, (report.reporter_id,)))
            elif at >= report.resolved_at + self._policy.auto_close:
                closed.append(await self._transition(None, report, ReportAction.AUTO_CLOSE, StatusChange(
                    report.status, closed_at=self._clock.now())))
        return reminders, closed
