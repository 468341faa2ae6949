"""Problem reports as values: statuses, actions, the report, its timeline and its media."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from village.geo import GeoPoint
from village.media import StoredMedia


class ReportStatus(StrEnum):
    """Where a report is in the closed loop 发现→会商→处置→反馈; stored by value."""

    SUBMITTED = "submitted"  # 已上报
    ACCEPTED = "accepted"  # 已受理
    CONSULTING = "consulting"  # 会商中
    IN_PROGRESS = "in_progress"  # 处置中
    RESOLVED = "resolved"  # 已办结, waiting for the reporter's rating
    CLOSED = "closed"  # 已结案: rated, or closed after the feedback period
    REJECTED = "rejected"  # 不予受理
    MERGED = "merged"  # 重复: merged into another report


# Reports somebody still has to work on.
OPEN_STATUSES = frozenset({ReportStatus.SUBMITTED, ReportStatus.ACCEPTED, ReportStatus.CONSULTING,
                           ReportStatus.IN_PROGRESS})
# Accepted and not yet resolved: the resolve deadline runs.
ACTIVE_STATUSES = frozenset({ReportStatus.ACCEPTED, ReportStatus.CONSULTING, ReportStatus.IN_PROGRESS})
FINAL_STATUSES = frozenset({ReportStatus.CLOSED, ReportStatus.REJECTED, ReportStatus.MERGED})


class ReportAction(StrEnum):
    """What can be done to a report; the transition table says in which status."""

    ACCEPT = "accept"
    CONSULT = "consult"
    START = "start"
    RESOLVE = "resolve"
    REJECT = "reject"
    MERGE = "merge"
    REASSIGN = "reassign"
    COMMENT = "comment"
    RATE_SATISFIED = "rate_satisfied"
    RATE_BASIC = "rate_basic"
    RATE_UNSATISFIED = "rate_unsatisfied"  # reopens the report
    AUTO_CLOSE = "auto_close"


class Milestone(StrEnum):
    """Timeline entries that are not actions on the state machine."""

    FILED = "filed"
    FOLLOWED = "followed"  # 附和: a resident joined an existing report
    OVERDUE = "overdue"  # the assignee was reminded of a lapse
    ESCALATED = "escalated"  # a second lapse went to the secretary
    FEEDBACK_REMINDED = "feedback_reminded"
    RATING_NOTE = "rating_note"  # the reporter's comment on a rating


class Rating(StrEnum):
    """The reporter's rating of a resolution."""

    SATISFIED = "satisfied"  # 满意
    BASIC = "basic"  # 基本满意
    UNSATISFIED = "unsatisfied"  # 不满意


RATING_ACTIONS = {Rating.SATISFIED: ReportAction.RATE_SATISFIED, Rating.BASIC: ReportAction.RATE_BASIC,
                  Rating.UNSATISFIED: ReportAction.RATE_UNSATISFIED}


class MediaPurpose(StrEnum):
    """Why a file belongs to a report."""

    REPORT = "report"  # sent by the reporter
    RESOLUTION = "resolution"  # the photo of the fix


class Lapse(StrEnum):
    """Which deadline a report missed."""

    ACCEPT = "accept"  # not accepted within the working days allowed
    RESOLVE = "resolve"  # not resolved by the category's deadline


@dataclass(frozen=True)
class Report:
    """A problem a resident reported, as stored."""

    id: int
    village_id: int
    code: str
    category: str
    text: str
    status: ReportStatus
    reporter_id: int
    filed_by_id: int
    anonymous: bool
    created_at: datetime
    accept_due_at: datetime
    grid_id: int | None = None
    assignee_id: int | None = None
    point: GeoPoint | None = None
    address: str = ""
    deadline_at: datetime | None = None
    accepted_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    rating: Rating | None = None
    merged_into_id: int | None = None
    resolution_note: str = ""
    reopened: int = 0
    followers: int = 0

    @property
    def is_open(self) -> bool:
        """Tell whether someone still has to work on it."""
        return self.status in OPEN_STATUSES

    @property
    def on_behalf(self) -> bool:
        """Tell whether a grid worker or cadre filed it for the reporter (代报)."""
        return self.filed_by_id != self.reporter_id


@dataclass(frozen=True)
class ReportEvent:
    """One row of a report's timeline: an action or a milestone, who did it, and its details."""

    id: int
    report_id: int
    village_id: int
    at: datetime
    kind: str  # a ReportAction or Milestone value
    actor_id: int | None  # None: the system (a job) or an operator
    from_status: ReportStatus | None = None
    to_status: ReportStatus | None = None
    note: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportMedia:
    """A photo or voice message kept with a report.

    `position` orders the reporter's files; a photo of a fix carries its closure round instead
    (the report's `reopened` count when it was resolved), so each round shows only its own photo.
    """

    id: int
    report_id: int
    purpose: MediaPurpose
    media: StoredMedia
    position: int = 0

    def shown_with(self, report: Report) -> bool:
        """Tell whether the file belongs to the report as it stands: the reporter's, or this round's fix."""
        return self.purpose is MediaPurpose.REPORT or self.position == report.reopened


@dataclass(frozen=True)
class ReportDraft:
    """What a resident composed, ready to file."""

    category: str
    text: str = ""
    voice: StoredMedia | None = None
    photos: tuple[StoredMedia, ...] = ()
    point: GeoPoint | None = None
    address: str = ""
    anonymous: bool = False


@dataclass(frozen=True)
class NewReport:
    """The row to insert for a new report; the repository assigns id, sequence and code."""

    village_id: int
    village_code: str
    month: str  # yymm in the village's timezone, e.g. 2611
    draft: ReportDraft
    reporter_id: int
    filed_by_id: int
    grid_id: int | None
    assignee_id: int | None
    created_at: datetime
    accept_due_at: datetime


@dataclass(frozen=True)
class NewEvent:
    """A timeline row to add; `key` makes it idempotent (a job's milestone is recorded once)."""

    report_id: int
    village_id: int
    at: datetime
    kind: str
    actor_id: int | None
    from_status: ReportStatus | None = None
    to_status: ReportStatus | None = None
    note: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    key: str | None = None


@dataclass(frozen=True)
class StatusChange:
    """The fields an action writes besides the status."""

    status: ReportStatus
    assignee_id: int | None = None
    deadline_at: datetime | None = None
    accepted_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    rating: Rating | None = None
    merged_into_id: int | None = None
    resolution_note: str | None = None
    reopened: int | None = None
    clear_rating: bool = False  # a new closure round starts unrated
