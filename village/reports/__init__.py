"""Problem reports (问题上报, 随手拍): the closed loop 发现→会商→处置→反馈.

A resident files a report; it goes to the grid worker of their grid (or the
village's cadres); the handler accepts, consults, works on and resolves it; the
reporter rates the fix. Overdue reports chase their handlers, then the secretary.
"""

from village.geo import GeoPoint
from village.reports.figures import ReportFigures
from village.reports.model import (
    OPEN_STATUSES,
    Lapse,
    MediaPurpose,
    Milestone,
    Rating,
    Report,
    ReportAction,
    ReportDraft,
    ReportEvent,
    ReportMedia,
    ReportStatus,
)
from village.reports.service import ReportService
from village.reports.transitions import TRANSITIONS, allowed, handling_actions, next_status
from village.reports.views import (
    Board,
    Chase,
    ExportRow,
    FiledReport,
    QueueFilter,
    QueuePage,
    ReportChange,
    ReporterView,
    ResidentMatch,
    StaffView,
    StatusFilter,
)

__all__ = [
    "OPEN_STATUSES", "TRANSITIONS", "Board", "Chase", "ExportRow", "FiledReport", "GeoPoint", "Lapse", "MediaPurpose",
    "Milestone", "QueueFilter", "QueuePage", "Rating", "Report", "ReportAction", "ReportChange", "ReportDraft",
    "ReportEvent", "ReportFigures", "ReportMedia", "ReportService", "ReportStatus", "ReporterView", "ResidentMatch",
    "StaffView",
    "StatusFilter", "allowed", "handling_actions", "next_status",
]
