"""The daily care jobs: visits due to the grid workers, overdue visits to the cadres.

The service decides what is due and gives each message its key (per day for a reminder, per missed
due date for an overdue visit), so a job run again, or after a restart, sends nothing twice.
"""

from __future__ import annotations

from handlers.care import outgoing
from handlers.jobs import JobContext, JobSpec


async def _remind_due(job: JobContext) -> str:
    reminders = await job.services.care.reminders(job.at)
    zone = job.services.settings.timezone
    for reminder in reminders:
        await outgoing.remind(job.notify, reminder, zone)
    return f"{sum(len(r.entries) for r in reminders)} visit(s) due, {len(reminders)} reminder(s) queued"


async def _escalate_overdue(job: JobContext) -> str:
    late = await job.services.care.overdue(job.at)
    for reminder in late:
        days = (job.at - reminder.entries[0].due_at).days
        household_id = reminder.entries[0].person.household_id
        family = await job.services.family.family_members_of(household_id) if household_id else []
        await outgoing.overdue(job.notify, reminder, days=days, workers=reminder.workers, family=family)
    return f"{len(late)} overdue visit(s) to the cadres"


CARE_DUE = JobSpec("care_due", "30 8 * * *", _remind_due, "remind grid workers of the care visits due")
CARE_OVERDUE = JobSpec("care_overdue", "0 9 * * *", _escalate_overdue,
                       "tell the village's cadres of care visits overdue past the margin")
JOBS = (CARE_DUE, CARE_OVERDUE)
