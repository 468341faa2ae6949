"""Assessment periods: a village assesses monthly (`2026-11`) or quarterly (`2026-Q4`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

_MONTHLY = re.compile(r"(\d{4})-(\d{1,2})")
_QUARTERLY = re.compile(r"(\d{4})-[Qq]([1-4])")


class PeriodKind(StrEnum):
    """How often a village assesses its households; stored by value."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"

    @property
    def per_year(self) -> int:
        """Return how many periods a year has."""
        return 12 if self is PeriodKind.MONTHLY else 4


@dataclass(frozen=True, order=True)
class Period:
    """One period of a year: a month (index 1-12) or a quarter (index 1-4)."""

    year: int
    index: int
    kind: PeriodKind

    def __post_init__(self) -> None:
        if not 1 <= self.index <= self.kind.per_year or not 2000 <= self.year <= 2999:
            raise ValueError(f"no such period: {self.year} {self.kind} {self.index}")

    @classmethod
    def parse(cls, code: str) -> Period:
        """Parse `2026-11` or `2026-Q4`.

        Raises:
            ValueError: the text is neither.
        """
        text = code.strip()
        if match := _QUARTERLY.fullmatch(text):
            return cls(int(match[1]), int(match[2]), PeriodKind.QUARTERLY)
        if match := _MONTHLY.fullmatch(text):
            return cls(int(match[1]), int(match[2]), PeriodKind.MONTHLY)
        raise ValueError(f"not a period: {code!r} (use e.g. 2026-11 or 2026-Q4)")

    @classmethod
    def of(cls, day: date, kind: PeriodKind) -> Period:
        """Return the period of `kind` containing `day`."""
        index = day.month if kind is PeriodKind.MONTHLY else (day.month - 1) // 3 + 1
        return cls(day.year, index, kind)

    @classmethod
    def due(cls, day: date, kind: PeriodKind) -> Period:
        """Return the latest period of `kind` that ended before `day`: the one to assess by now."""
        return cls.of(cls.of(day, kind).first_day - timedelta(days=1), kind)

    @property
    def code(self) -> str:
        """Return the code, e.g. `2026-11` or `2026-Q4`."""
        return f"{self.year}-{self.index:02d}" if self.kind is PeriodKind.MONTHLY else f"{self.year}-Q{self.index}"

    @property
    def first_month(self) -> int:
        """Return the period's first month."""
        return self.index if self.kind is PeriodKind.MONTHLY else (self.index - 1) * 3 + 1

    @property
    def first_day(self) -> date:
        """Return the period's first day."""
        return date(self.year, self.first_month, 1)

    @property
    def last_day(self) -> date:
        """Return the period's last day."""
        return self.next().first_day - timedelta(days=1)

    def next(self) -> Period:
        """Return the following period."""
        if self.index == self.kind.per_year:
            return Period(self.year + 1, 1, self.kind)
        return Period(self.year, self.index + 1, self.kind)

    def previous(self) -> Period:
        """Return the period before."""
        if self.index == 1:
            return Period(self.year - 1, self.kind.per_year, self.kind)
        return Period(self.year, self.index - 1, self.kind)

    def recent(self, count: int) -> list[Period]:
        """Return `count` periods ending with this one, oldest first."""
        periods = [self]
        while len(periods) < count:
            periods.append(periods[-1].previous())
        return periods[::-1]

    def __str__(self) -> str:
        return self.code


def periods_of_year(year: int, kind: PeriodKind) -> list[Period]:
    """Return every period of a year, in order."""
    return [Period(year, index, kind) for index in range(1, kind.per_year + 1)]


def period_of_month(year: int, month: int, kind: PeriodKind) -> Period:
    """Return the period of `kind` that contains the given month."""
    return Period.of(date(year, month, 1), kind)
