"""What people see of reports: read models returned by the service, and the queue's filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from village.family.models import Deputy
from village.people import Person
from village.places import Grid, Village
from village.reports.model import Report, ReportEvent, ReportMedia, ReportStatus


@dataclass(frozen=True)
class ReportChange:
    """An action done: the report after it, its timeline row, and who should hear of it.

    `audience` are the reporter and followers (told of every status change);
    `alert` are staff to alert (e.g. the assignee and secretaries on 不满意).
    """

    report: Report
    event: ReportEvent
    audience: tuple[int, ...] = ()
    alert: tuple[int, ...] = ()


@dataclass(frozen=True)
class FiledReport:
    """A new report and who must handle it: its assignee, or the village's cadres when the grid has none."""

    report: Report
    handlers: tuple[int, ...]
    media: tuple[ReportMedia, ...] = ()


@dataclass(frozen=True)
class StaffView:
    """A report as grid workers, cadres and supervisors see it.

    `reporter` is None when the report is anonymous (shown as 匿名); cadres and
    supervisors may then `reveal` it, which the audit log records.
    """

    report: Report
    media: tuple[ReportMedia, ...]
    events: tuple[ReportEvent, ...]
    reporter: Person | None
    filed_by: Person | None
    assignee: Person | None
    grid: Grid | None
    can_handle: bool
    can_reveal: bool
    names: dict[int, str]
    deputy: Deputy | None = None  # a relative filed it for their household (亲情代办)


@dataclass(frozen=True)
class ReporterView:
    """A report as its reporter or a follower sees it: the public part of the timeline."""

    report: Report
    events: tuple[ReportEvent, ...]
    media: tuple[ReportMedia, ...]
    can_rate: bool
    names: dict[int, str]
    deputy: Deputy | None = None


@dataclass(frozen=True)
class Board:
    """The public list (挂牌消项): open reports without reporters, and the month's closed count."""

    village: Village
    open: tuple[Report, ...]
    closed_this_month: int
    now: datetime


class StatusFilter(StrEnum):
    """The queue's status choices."""

    OPEN = "open"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    CONSULTING = "consulting"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REJECTED = "rejected"
    MERGED = "merged"
    ALL = "all"


@dataclass(frozen=True)
class QueueFilter:
    """What a handler's queue shows; `category` and `grid_id` None mean every one."""

    status: StatusFilter = StatusFilter.OPEN
    category: str | None = None
    grid_id: int | None = None
    overdue: bool = False


@dataclass(frozen=True)
class ReportQuery:
    """A search over one village's reports, as the repository runs it."""

    village_id: int
    statuses: frozenset[ReportStatus] | None = None
    category: str | None = None
    grid_id: int | None = None
    assignee_id: int | None = None
    overdue_at: datetime | None = None


@dataclass(frozen=True)
class QueuePage:
    """One page of a queue."""

    reports: tuple[Report, ...]
    total: int
    page: int
    pages: int
    overdue_ids: frozenset[int]


@dataclass(frozen=True)
class ResidentMatch:
    """A person found for 代报, with where they live so that two of the same name can be told apart."""

    person: Person
    household: str | None
    group: str | None


@dataclass(frozen=True)
class ExportRow:
    """One report for the spreadsheet export; `reporter` None for an anonymous one (匿名)."""

    report: Report
    reporter: str | None
    filed_by: str | None
    assignee: str | None
    grid: str | None
    photos: int


@dataclass(frozen=True)
class Chase:
    """A reminder the daily job must send: to `recipients`, once per `key`."""

    report: Report
    kind: str  # overdue-accept, overdue-resolve, escalate-accept, escalate-resolve, feedback
    key: str
    recipients: tuple[int, ...]
    assignee: Person | None = None
