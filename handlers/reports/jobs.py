"""The daily report jobs: overdue reminders and escalation; feedback reminders and auto-close.

The service decides what is due and records each reminder under a unique key;
here the messages are queued under the same keys, so nothing is sent twice,
also when a job runs again after a restart.
"""

from __future__ import annotations

from handlers.jobs import JobContext, JobSpec
from handlers.replies import Reply
from handlers.reports import notices
from handlers.reports.cards import rating_buttons, show_button, title, when
from handlers.texts import Content, _
from village.outbox import MessageKind
from village.reports import Chase


def _chase_kind(chase: Chase) -> MessageKind:
    return MessageKind.REPORT_ESCALATED if chase.kind.startswith("escalate") else MessageKind.REPORT_REMINDER


def _reminder(chase: Chase, job: JobContext) -> Content:
    report, zone = chase.report, job.services.settings.timezone
    handler = chase.assignee.name if chase.assignee else _("the village cadres")
    texts: dict[str, Content] = {
        "overdue-accept": _("⏰ Reminder: report {title} has waited more than {days} working day(s) and is not "
                            "accepted yet. Please look at it.", title=title(report),
                            days=job.services.reports.policy.accept_working_days),
        "overdue-resolve": _("⏰ Reminder: report {title} was due to be resolved by {deadline}. Please finish it.",
                             title=title(report), deadline=when(report.deadline_at, zone)),
        "escalate-accept": _("⚠️ For the secretary: report {title} is overdue and still not accepted. Handled by: "
                             "{handler}.", title=title(report), handler=handler),
        "escalate-resolve": _("⚠️ For the secretary: report {title} is past its deadline ({deadline}) and still not "
                              "resolved. Handled by: {handler}.", title=title(report),
                              deadline=when(report.deadline_at, zone), handler=handler),
    }
    return texts[chase.kind]


async def _chase_overdue(job: JobContext) -> str:
    chases = await job.services.reports.chase_overdue(job.at)
    for chase in chases:
        reply = Reply(_reminder(chase, job), choices=show_button(chase.report))
        await job.notify.to_people(chase.recipients, chase.key, reply, kind=_chase_kind(chase), optional=True)
    return f"{len(chases)} overdue reminder(s) or escalation(s) queued"


async def _chase_feedback(job: JobContext) -> str:
    reminders, closed = await job.services.reports.chase_feedback(job.at)
    for chase in reminders:
        text = _("Your report {title} has been resolved. Please tell us how it was handled:",
                 title=title(chase.report))
        await job.notify.to_people(chase.recipients, chase.key, Reply(text, choices=rating_buttons(chase.report)),
                                   kind=MessageKind.REPORT_FEEDBACK_REQUESTED, optional=True)
    for change in closed:
        await notices.announce(job.notify, job.services, change, actor_id=None)
    return f"{len(reminders)} feedback reminder(s) queued, {len(closed)} report(s) closed"


REPORT_OVERDUE = JobSpec("report_overdue", "0 9 * * *", _chase_overdue,
                         "remind of reports not accepted or resolved in time; escalate a second lapse")
REPORT_FEEDBACK = JobSpec("report_feedback", "30 9 * * *", _chase_feedback,
                          "ask reporters to rate resolved reports; close unrated ones after the feedback period")
JOBS = (REPORT_OVERDUE, REPORT_FEEDBACK)
