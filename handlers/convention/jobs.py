"""The convention's monthly jobs: remind assessors of unfinished households; tell household heads their reward.

Each message is keyed by village and period, so a rerun, a catch-up after downtime
or a restart never sends it twice. Both are optional messages: they wait out quiet hours.
"""

from __future__ import annotations

from handlers.convention.notices import reminder, reward_statement
from handlers.jobs import JobContext, JobSpec
from village.outbox import MessageKind


async def remind_assessors(job: JobContext) -> str:
    """Remind cadres (every group) and group leaders (their group) of the period just ended."""
    day = job.at.astimezone(job.services.settings.timezone).date()
    queued = 0
    for village in await job.services.store.places.villages():
        plan = await job.services.assessments.reminder_plan(village.id, day)
        if plan is None:
            continue
        key = f"assess-remind:{village.id}:{plan.period.code}"
        queued += await job.notify.to_people([p.id for p in plan.cadres], key, reminder(plan.period, plan.outstanding),
                                             kind=MessageKind.ASSESSMENT_REMINDER, optional=True)
        for leader in plan.leaders:
            own = [o for o in plan.outstanding if o.group.id == leader.group_id]
            queued += await job.notify.to_person(leader.id, f"{key}:group:{leader.group_id}",
                                                 reminder(plan.period, own), kind=MessageKind.ASSESSMENT_REMINDER,
                                                 optional=True)
    return f"{queued} assessment reminder(s) queued"


async def send_reward_notices(job: JobContext) -> str:
    """Tell each household head of a household published for the period just ended its reward, and the year's."""
    day = job.at.astimezone(job.services.settings.timezone).date()
    queued = 0
    for village in await job.services.store.places.villages():
        period, statements = await job.services.rewards.statements(village.id, day)
        for s in statements:
            notice = reward_statement(period, s.household.label, s.result, period.year, s.year_released,
                                      s.year_withheld)
            queued += await job.notify.to_people([h.id for h in s.heads],
                                                 f"reward-notice:{village.id}:{period.code}:{s.household.id}",
                                                 notice, kind=MessageKind.REWARD_NOTICE, optional=True)
    return f"{queued} reward notice(s) queued"


ASSESSMENT_REMINDERS = JobSpec("assessment_reminders", "0 9 1 * *", remind_assessors,
                               "remind assessors of households not yet assessed or published")
REWARD_NOTICES = JobSpec("reward_notices", "30 9 1 * *", send_reward_notices,
                         "tell household heads their reward for the period just ended")
