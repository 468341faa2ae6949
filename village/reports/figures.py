"""A village's report figures for one month, for the monthly digest (一月一汇) and exports."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from village.reports.model import Milestone, ReportAction, ReportEvent, ReportStatus

_RATINGS = {ReportAction.RATE_SATISFIED, ReportAction.RATE_BASIC, ReportAction.RATE_UNSATISFIED}
_CONTENT = {ReportAction.RATE_SATISFIED, ReportAction.RATE_BASIC}


@dataclass(frozen=True)
class ReportFigures:
    """The month's figures of one village.

    new: reports filed in the month; by_category splits them. accepted, resolved,
    closed: distinct reports accepted, resolved, closed (rated or closed after the
    feedback period) in the month, whenever filed. reopened: 不满意 ratings that
    reopened a report. overdue: distinct reports whose lapse (not accepted in time,
    or not resolved by the deadline) was recorded by the daily job in the month.
    satisfaction_rate: (满意 + 基本满意) / all ratings given in the month, None
    without ratings. median_hours_to_resolve: from filing to the month's last
    resolution of each report resolved in the month, None when none was.
    """

    new: int = 0
    accepted: int = 0
    resolved: int = 0
    closed: int = 0
    reopened: int = 0
    overdue: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    satisfaction_rate: float | None = None
    median_hours_to_resolve: float | None = None


def compute_figures(
    new_categories: Iterable[str], events: Iterable[ReportEvent], filed_at: Mapping[int, datetime]
) -> ReportFigures:
    """Return the figures from the month's new reports' categories, the month's events, and filing times."""
    categories = Counter(new_categories)
    events = list(events)
    ratings = [e for e in events if e.kind in _RATINGS]
    content = sum(1 for e in ratings if e.kind in _CONTENT)
    return ReportFigures(
        new=sum(categories.values()),
        accepted=_distinct(events, ReportAction.ACCEPT),
        resolved=_distinct(events, ReportAction.RESOLVE),
        closed=len({e.report_id for e in events if e.to_status is ReportStatus.CLOSED}),
        reopened=sum(1 for e in events if e.kind == ReportAction.RATE_UNSATISFIED),
        overdue=_distinct(events, Milestone.OVERDUE),
        by_category=dict(sorted(categories.items(), key=lambda item: (-item[1], item[0]))),
        satisfaction_rate=content / len(ratings) if ratings else None,
        median_hours_to_resolve=_median_hours(events, filed_at),
    )


def _distinct(events: list[ReportEvent], kind: str) -> int:
    return len({e.report_id for e in events if e.kind == kind})


def _median_hours(events: list[ReportEvent], filed_at: Mapping[int, datetime]) -> float | None:
    last_resolution: dict[int, datetime] = {}
    for event in events:
        if event.kind == ReportAction.RESOLVE and event.report_id in filed_at:
            last_resolution[event.report_id] = max(event.at, last_resolution.get(event.report_id, event.at))
    hours = [(at - filed_at[rid]).total_seconds() / 3600 for rid, at in last_resolution.items()]
    return round(statistics.median(hours), 1) if hours else None
