"""Pure rules of problem reports: codes, working-day deadlines, distances, text limits, month bounds."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from village.errors import ErrorCode, InvalidInputError
from village.geo import GeoPoint, distance_m
from village.reports.model import ACTIVE_STATUSES, Report, ReportStatus
from village.workdays import MONDAY_TO_FRIDAY, WorkCalendar

CODE_DIGITS = 4


def month_of(moment: datetime, zone: ZoneInfo) -> str:
    """Return the yymm of `moment` in the village's timezone, e.g. 2611 for November 2026."""
    return moment.astimezone(zone).strftime("%y%m")


def report_code(village_code: str, month: str, sequence: int) -> str:
    """Return the human code of a report, e.g. FX01-2611-0042 (village, yymm, sequence in that month)."""
    return f"{village_code}-{month}-{sequence:0{CODE_DIGITS}d}"


def add_working_days(moment: datetime, days: int, zone: ZoneInfo,
                     calendar: WorkCalendar = MONDAY_TO_FRIDAY) -> datetime:
    """Return the moment `days` working days (of `calendar`, in `zone`) after `moment`.

    A moment on a day off counts from the start of the next working day; the result keeps
    the local time of day, e.g. Friday 10:00 + 1 working day = Monday 10:00.
    """
    local = moment.astimezone(zone)
    while not calendar.is_working_day(local.date()):
        local = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=zone)
    remaining = days
    while remaining > 0:
        local = _same_time_next_day(local, zone)
        if calendar.is_working_day(local.date()):
            remaining -= 1
    return local.astimezone(UTC)


def _same_time_next_day(local: datetime, zone: ZoneInfo) -> datetime:
    return datetime.combine(local.date() + timedelta(days=1), local.timetz().replace(tzinfo=None), tzinfo=zone)


def nearest(point: GeoPoint, reports: Iterable[Report], within_m: float, limit: int) -> list[Report]:
    """Return the reports located within `within_m` of `point`, nearest first, whatever datum each is in."""
    placed = [(distance_m(point, r.point), r.id, r) for r in reports if r.point is not None]
    return [r for d, _, r in sorted(placed, key=lambda t: (t[0], t[1])) if d <= within_m][:limit]


def clean_text(raw: str, max_chars: int, *, required: bool = True, words: bool = False) -> str:
    """Return typed text with its whitespace tidied; refuse it when empty or over `max_chars`.

    With `words`, text must hold at least one letter, character or digit: an emoji or a "?" alone
    tells the person who reads it nothing.
    """
    text = "\n".join(tidy for line in raw.splitlines() if (tidy := " ".join(line.split())))
    if required and not text:
        raise InvalidInputError(ErrorCode.REPORT_TEXT_EMPTY)
    if words and text and not any(char.isalnum() for char in text):
        raise InvalidInputError(ErrorCode.REPORT_TEXT_NO_WORDS)
    if len(text) > max_chars:
        raise InvalidInputError(ErrorCode.REPORT_TEXT_TOO_LONG, limit=max_chars, length=len(text))
    return text


def local_day_start(moment: datetime, zone: ZoneInfo) -> datetime:
    """Return the start of the local day of `moment`, in UTC."""
    local = moment.astimezone(zone)
    return datetime.combine(local.date(), time(0), tzinfo=zone).astimezone(UTC)


def month_bounds(year: int, month: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Return the start and end (exclusive) of a calendar month in `zone`, in UTC."""
    if not 1 <= month <= 12:
        raise InvalidInputError(field="month", value=month)
    start = datetime(year, month, 1, tzinfo=zone)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def lapse_due(report: Report) -> datetime | None:
    """Return when the report's current deadline falls: acceptance while submitted, resolution while active."""
    if report.status is ReportStatus.SUBMITTED:
        return report.accept_due_at
    if report.status in ACTIVE_STATUSES:
        return report.deadline_at
    return None


def is_overdue(report: Report, now: datetime) -> bool:
    """Tell whether the report has missed its current deadline."""
    due = lapse_due(report)
    return due is not None and due <= now
