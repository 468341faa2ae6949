"""Times typed by cadres, read in the village's timezone, and calendar months.

Accepted, with or without the year: `2026-12-05 14:00`, `12-05 14:00`, `12/5 14:00`,
`12月5日 下午2点`, `12月5日14点半`, `明天 9:30` (or `tomorrow 9:30`), and for an end time on the same day `16:00`.
Full-width digits and colons are fine. A date without a year means the coming one.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# A date given without a year is taken as this year's unless that lies this far back already.
PAST_YEAR_SLACK = timedelta(days=60)

_DATE = r"(?:(?P<year>\d{4})\s*[-/.年]\s*)?(?P<month>\d{1,2})\s*[-/.月]\s*(?P<day>\d{1,2})\s*[日号]?"
_RELATIVE = r"(?P<relative>今天|明天|后天|昨天|前天|today|tomorrow|yesterday)"
_PERIOD = r"(?P<period>上午|早上|中午|下午|晚上)?"
_TIME = r"(?P<hour>\d{1,2})\s*(?:[:.]\s*(?P<minute>\d{2})|[点时]\s*(?:(?P<half>半)|(?P<cn_minute>\d{1,2})\s*分?)?)"
_MOMENT = re.compile(rf"^(?:(?:{_DATE})|{_RELATIVE})?\s*{_PERIOD}\s*{_TIME}$")
_DAY = re.compile(rf"^(?:{_DATE}|{_RELATIVE})$")
_OFFSETS = {"前天": -2, "昨天": -1, "今天": 0, "明天": 1, "后天": 2, "yesterday": -1, "today": 0, "tomorrow": 1}


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip().lower()
    return re.sub(r"(?<=\d)t(?=\d)", " ", text)


def parse_moment(text: str, *, now: datetime, zone: ZoneInfo, on_day: date | None = None) -> datetime | None:
    """Read a typed date and time in `zone`; None when it cannot be read.

    `on_day` is the day a bare time (e.g. `16:00`) falls on; without it a bare time means today.
    """
    match = _MOMENT.match(_normalise(text))
    if match is None:
        return None
    local_now = now.astimezone(zone)
    day = _day_of(match, local_now.date(), on_day, future=True)
    clock = _time_of(match)
    if day is None or clock is None:
        return None
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def parse_day(text: str, *, today: date) -> date | None:
    """Read a typed date (a stage's date); without a year it means the latest one not after today."""
    match = _DAY.match(_normalise(text))
    if match is None:
        return None
    return _day_of(match, today, None, future=False)


def _day_of(match: re.Match[str], today: date, on_day: date | None, *, future: bool) -> date | None:
    if match.group("relative"):
        return today + timedelta(days=_OFFSETS[match.group("relative")])
    if not match.group("month"):
        return on_day or today
    month, day = int(match.group("month")), int(match.group("day"))
    if match.group("year"):
        return _date(int(match.group("year")), month, day)
    found = _date(today.year, month, day)
    if found is None:
        return _date(today.year + (1 if future else -1), month, day)
    if future and found < today - PAST_YEAR_SLACK:
        return _date(today.year + 1, month, day)
    if not future and found > today:
        return _date(today.year - 1, month, day)
    return found


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _time_of(match: re.Match[str]) -> time | None:
    hour = int(match.group("hour"))
    minute = int(match.group("minute") or match.group("cn_minute") or 0)
    if match.group("half"):
        minute = 30
    period = match.group("period")
    if period in ("下午", "晚上") and hour < 12:
        hour += 12
    if period == "中午" and hour < 6:
        hour += 12
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def month_bounds(year: int, month: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Return the first moment of the month and of the next, in `zone`, as UTC."""
    if not 1 <= month <= 12:
        raise ValueError(f"no month {month}")
    start = datetime(year, month, 1, tzinfo=zone)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)
