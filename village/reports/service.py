"""The report service: filing, handling, reading and chasing, each in its own module, as one service."""

from __future__ import annotations

from village.reports.chasing import ReportChasing
from village.reports.filing import ReportFiling
from village.reports.handling import ReportHandling
from village.reports.reading import ReportReading


class ReportService(ReportFiling, ReportHandling, ReportReading, ReportChasing):
    """Problem reports, the closed loop 发现→会商→处置→反馈.

    Every method taking an `Actor` checks permissions from the database; the
    report's village scopes everything. `month_figures` (for the monthly digest)
    and the `chase_*` methods (for the daily jobs) are called by trusted jobs.
    """
