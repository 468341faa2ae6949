"""Every feature's flows and jobs, in one list each: the only place a feature is switched on."""

from __future__ import annotations

from functools import cache

from handlers import approvals, care, consultation, convention, family, followups, joining, notices, reports, settings
from handlers.care.digest import care_section
from handlers.care.jobs import JOBS as CARE_JOBS
from handlers.consultation.digest import meetings_section
from handlers.convention.digest import assessments_section
from handlers.conversations import Flow
from handlers.digest import SECTIONS, digest_job
from handlers.housekeeping import PRUNE_UPDATES, PURGE_CALLBACK_TOKENS, expire_job
from handlers.jobs import JobSpec
from handlers.reports.digest import reports_section
from handlers.reports.jobs import JOBS as REPORT_JOBS

STRANGER_FLOW = joining.FLOW  # where someone who has not joined is sent

# The monthly digest's sections, in the order cadres read them.
DIGEST_SECTIONS = (reports_section, assessments_section, meetings_section, care_section, *SECTIONS,
                   followups.follow_ups_section)


@cache
def flows() -> tuple[Flow, ...]:
    """Return all conversation flows."""
    return (joining.build(), approvals.build(), *settings.build(), *reports.build(), *convention.build(),
            *consultation.build(), *notices.build(), *care.build(), family.build(), followups.build())


@cache
def jobs() -> tuple[JobSpec, ...]:
    """Return all scheduled jobs."""
    return (expire_job({f.name: f for f in flows()}), PRUNE_UPDATES, PURGE_CALLBACK_TOKENS, *REPORT_JOBS,
            *convention.jobs(), *consultation.jobs(), *CARE_JOBS, digest_job(DIGEST_SECTIONS))


def job_names() -> frozenset[str]:
    """Return the names a config's [schedules] table may use."""
    return frozenset(j.name for j in jobs())
