"""Working days: the official holidays and make-up days (调休), local holidays, and years not yet known."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.config import load_config
from bot.holidays import coverage_warning, official_calendar
from village.reports.rules import add_working_days
from village.workdays import MONDAY_TO_FRIDAY, WorkCalendar, years_ahead

ZONE = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=ZONE)


@pytest.mark.parametrize(("start", "days", "expected"), [
    (at(9, 30), 1, at(10, 8)),  # Wednesday before National Day -> the Thursday after the week off
    (at(10, 3), 1, at(10, 9, 0)),  # in the holiday: counts from the start of Thursday the 8th
    (at(10, 9), 1, at(10, 10)),  # Friday -> Saturday the 10th, a make-up working day (调休)
    (at(11, 6), 1, at(11, 9)),  # an ordinary weekend
])
def test_deadlines_follow_the_official_calendar(start: datetime, days: int, expected: datetime) -> None:
    assert add_working_days(start, days, ZONE, official_calendar()) == expected.astimezone(UTC)


def test_a_local_holiday_is_skipped_too() -> None:
    calendar = official_calendar().with_holidays([date(2026, 11, 9)])

    assert add_working_days(at(11, 6), 1, ZONE, calendar) == at(11, 10).astimezone(UTC)


def test_without_data_a_year_counts_monday_to_friday() -> None:
    assert MONDAY_TO_FRIDAY.is_working_day(date(2026, 10, 1))  # National Day, unknown here
    assert not MONDAY_TO_FRIDAY.is_working_day(date(2026, 10, 10))  # a make-up Saturday, unknown here


def test_the_package_covers_the_current_schedule() -> None:
    assert {2025, 2026} <= official_calendar().covered_years
    assert not official_calendar().is_working_day(date(2026, 2, 17))  # Spring Festival


def test_the_admin_is_warned_when_deadlines_may_reach_an_unknown_year() -> None:
    calendar = WorkCalendar(covered_years=frozenset({2026}))

    december = coverage_warning(calendar, date(2026, 12, 6))
    november = coverage_warning(calendar, date(2026, 11, 6))

    assert december is not None
    assert "2027" in december
    assert november is None
    assert years_ahead(date(2026, 12, 1)) == (2026, 2027)


def test_the_configuration_adds_local_holidays_to_the_official_calendar() -> None:
    config = load_config(None, {"HEMEI_REPORTS__LOCAL_HOLIDAYS": '["2026-11-09"]'})

    calendar = config.work_calendar()

    assert not calendar.is_working_day(date(2026, 11, 9))
    assert not calendar.is_working_day(date(2026, 10, 1))
    assert calendar.is_working_day(date(2026, 10, 10))
