"""Every feature's flows and jobs, in one list each: the only place a feature is switched on."""

from __future__ import annotations

from functools import cache

from handlers import approvals, joining, notices, settings
from handlers.conversations import Flow
from handlers.digest import digest_job
from handlers.housekeeping import PRUNE_UPDATES, expire_job
from handlers.jobs import JobSpec

STRANGER_FLOW = joining.FLOW  # where someone who has not joined is sent


@cache
def flows() -> tuple[Flow, ...]:
    """Return all conversation flows."""
    return (joining.build(), approvals.build(), *settings.build(), *notices.build())


@cache
def jobs() -> tuple[JobSpec, ...]:
    """Return all scheduled jobs."""
    return (expire_job({f.name: f for f in flows()}), PRUNE_UPDATES, digest_job())


def job_names() -> frozenset[str]:
    """Return the names a config's [schedules] table may use."""
    return frozenset(j.name for j in jobs())
