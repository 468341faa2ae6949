"""The meeting reminder job: the day before and an hour before (config), to everyone with a seat.

It only decides from the data what is due and queues it; each reminder's key
(`meeting:42:remind-24h:person:7`) makes it go once, also across a restart.
A moved meeting gets new keys (its version is in them); a cancelled one none.
"""

from __future__ import annotations

from handlers.consultation import notices
from handlers.jobs import JobContext, JobSpec


async def remind(job: JobContext) -> str:
    """Queue the reminders due at the job's time."""
    zone = job.services.settings.timezone
    queued, meetings = 0, 0
    for due in await job.services.meetings.due_reminders(job.at):
        meetings += 1
        for person_id in due.person_ids:
            queued += await notices.reminder(job.notify, due.meeting, due.offset, person_id, zone)
    return f"{queued} reminder(s) queued for {meetings} meeting(s) due"


MEETING_REMINDERS = JobSpec("meeting_reminders", "*/5 * * * *", remind,
                            "remind people signed up for a meeting the day before and an hour before")
