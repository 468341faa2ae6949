"""Working days (工作日) for report deadlines: Monday to Friday, less holidays, plus make-up days (调休).

The calendar is plain data handed in from outside (bot/holidays.py reads the State Council's
schedule from the chinesecalendar package), so the domain stays free of I/O. A year the data does
not cover yet is not guessed: it counts Monday to Friday, and the admin is warned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days; `covered_years` are those whose official holidays are known."""

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()  # weekend days worked to make up for a holiday (调休)
    covered_years: frozenset[int] = frozenset()

    def is_working_day(self, day: date) -> bool:
        """Tell whether `day` is a working day."""
        if day in self.holidays:
            return False
        return day in self.workdays or day.weekday() < 5

    def uncovered(self, years: Iterable[int]) -> list[int]:
        """Return those of `years` whose official holidays are not known (Monday to Friday is counted)."""
        return sorted({year for year in years if year not in self.covered_years})

    def with_holidays(self, extra: Iterable[date]) -> WorkCalendar:
        """Return the calendar with extra (local) holidays."""
        return WorkCalendar(self.holidays | frozenset(extra), self.workdays, self.covered_years)


MONDAY_TO_FRIDAY = WorkCalendar()


def years_ahead(today: date) -> tuple[int, ...]:
    """Return the years deadlines set today may reach: this one, and from December the next."""
    return (today.year, today.year + 1) if today.month == 12 else (today.year,)
