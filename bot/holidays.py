"""China's official holidays and make-up working days (调休), from the chinesecalendar package.

The package ships the State Council's yearly schedule as data; a year not published yet
is simply absent (the package would raise for it). We never guess such a year: the
deadlines count Monday to Friday there, and the admin is warned at start and in `hemei jobs`.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from chinese_calendar import constants

from village.workdays import WorkCalendar, years_ahead


@cache
def official_calendar() -> WorkCalendar:
    """Return the official holidays and make-up working days of every year the package knows."""
    holidays = frozenset(constants.holidays)
    return WorkCalendar(holidays, frozenset(constants.workdays), frozenset(day.year for day in holidays))


def coverage_warning(calendar: WorkCalendar, today: date) -> str | None:
    """Return a warning for the admin when deadlines set today may reach a year without official holidays."""
    missing = calendar.uncovered(years_ahead(today))
    if not missing:
        return None
    years = ", ".join(str(year) for year in missing)
    return (f"the official holidays of {years} are not known yet (update the chinesecalendar package); "
            f"report deadlines there count Monday to Friday and reports.local_holidays only")
