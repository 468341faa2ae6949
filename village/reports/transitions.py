"""The report state machine as data: which action is allowed in which status, and where it leads."""

from __future__ import annotations

from collections.abc import Mapping

from village.errors import ConflictError, ErrorCode
from village.reports.model import ReportAction, ReportStatus

S = ReportStatus
A = ReportAction

# (status, action) -> the status after it. Anything missing is refused.
# Reassigning and commenting keep the status; 不满意 reopens a resolved report to 处置中.
TRANSITIONS: Mapping[tuple[ReportStatus, ReportAction], ReportStatus] = {
    (S.SUBMITTED, A.ACCEPT): S.ACCEPTED,
    (S.SUBMITTED, A.REJECT): S.REJECTED,
    (S.SUBMITTED, A.MERGE): S.MERGED,
    (S.SUBMITTED, A.REASSIGN): S.SUBMITTED,
    (S.SUBMITTED, A.COMMENT): S.SUBMITTED,
    (S.ACCEPTED, A.CONSULT): S.CONSULTING,
    (S.ACCEPTED, A.START): S.IN_PROGRESS,
    (S.ACCEPTED, A.RESOLVE): S.RESOLVED,
    (S.ACCEPTED, A.REJECT): S.REJECTED,
    (S.ACCEPTED, A.MERGE): S.MERGED,
    (S.ACCEPTED, A.REASSIGN): S.ACCEPTED,
    (S.ACCEPTED, A.COMMENT): S.ACCEPTED,
    (S.CONSULTING, A.START): S.IN_PROGRESS,
    (S.CONSULTING, A.RESOLVE): S.RESOLVED,
    (S.CONSULTING, A.MERGE): S.MERGED,
    (S.CONSULTING, A.REASSIGN): S.CONSULTING,
    (S.CONSULTING, A.COMMENT): S.CONSULTING,
    (S.IN_PROGRESS, A.CONSULT): S.CONSULTING,
    (S.IN_PROGRESS, A.RESOLVE): S.RESOLVED,
    (S.IN_PROGRESS, A.MERGE): S.MERGED,
    (S.IN_PROGRESS, A.REASSIGN): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.COMMENT): S.IN_PROGRESS,
    (S.RESOLVED, A.RATE_SATISFIED): S.CLOSED,
    (S.RESOLVED, A.RATE_BASIC): S.CLOSED,
    (S.RESOLVED, A.RATE_UNSATISFIED): S.IN_PROGRESS,
    (S.RESOLVED, A.AUTO_CLOSE): S.CLOSED,
    (S.RESOLVED, A.COMMENT): S.RESOLVED,
    (S.CLOSED, A.COMMENT): S.CLOSED,
    (S.REJECTED, A.COMMENT): S.REJECTED,
    (S.MERGED, A.COMMENT): S.MERGED,
}

# What the assignee and cadres do from their phones (rating and auto-close belong to others).
HANDLING_ACTIONS = (A.ACCEPT, A.CONSULT, A.START, A.RESOLVE, A.REJECT, A.REASSIGN, A.MERGE, A.COMMENT)


def next_status(status: ReportStatus, action: ReportAction) -> ReportStatus:
    """Return the status after `action`; refuse an action the table does not allow in `status`."""
    target = TRANSITIONS.get((status, action))
    if target is None:
        raise ConflictError(ErrorCode.REPORT_WRONG_STATE)
    return target


def allowed(status: ReportStatus, action: ReportAction) -> bool:
    """Tell whether `action` is allowed in `status`."""
    return (status, action) in TRANSITIONS


def handling_actions(status: ReportStatus) -> tuple[ReportAction, ...]:
    """Return the handling actions allowed in `status`, in the order buttons show them."""
    return tuple(a for a in HANDLING_ACTIONS if allowed(status, a))
