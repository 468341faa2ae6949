"""The care list (关爱对象) and its visits (走访) and patrols (巡查): the domain's values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from village.geo import GeoPoint
from village.media import StoredMedia
from village.people import Person


class CareCategory(StrEnum):
    """Why a person is on the care list (the notice's 空巢老人、留守儿童、残障人士)."""

    ELDERLY_ALONE = "elderly_alone"  # 独居/空巢老人
    LEFT_BEHIND_CHILD = "left_behind_child"  # 留守儿童
    DISABLED = "disabled"  # 残障人士
    OTHER = "other"  # 其他


class Rhythm(StrEnum):
    """How often the person is visited."""

    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"

    @property
    def interval(self) -> timedelta:
        """Return the time between two visits."""
        return timedelta(days=RHYTHM_DAYS[self])


RHYTHM_DAYS: dict[Rhythm, int] = {Rhythm.WEEKLY: 7, Rhythm.FORTNIGHTLY: 14, Rhythm.MONTHLY: 30, Rhythm.QUARTERLY: 91}


class Wellbeing(StrEnum):
    """How the visitor found the person: a short scale of three."""

    GOOD = "good"  # 良好
    FAIR = "fair"  # 一般
    NEEDS_HELP = "needs_help"  # 需要帮助


@dataclass(frozen=True)
class CareSubject:
    """A person on the care list; `removed_at` set when taken off it (their visits stay)."""

    id: int
    village_id: int
    person_id: int
    category: CareCategory
    rhythm: Rhythm
    added_at: datetime
    removed_at: datetime | None = None

    @property
    def active(self) -> bool:
        """Tell whether the person is on the list now."""
        return self.removed_at is None


@dataclass(frozen=True)
class VisitDraft:
    """What a visitor records: how the person is, a note (text or voice), a photo, whether a problem was found,
    and whether the family (a son or daughter away in the city) was contacted about it."""

    wellbeing: Wellbeing
    note: str = ""
    voice: StoredMedia | None = None
    photo: StoredMedia | None = None
    problem: bool = False
    family_contacted: bool = False


@dataclass(frozen=True)
class Visit:
    """A visit logged by a grid worker or cadre; `report_id` the report filed for the person from it."""

    id: int
    village_id: int
    subject_id: int
    visitor_id: int
    at: datetime
    draft: VisitDraft
    report_id: int | None = None


@dataclass(frozen=True)
class PatrolDraft:
    """What a patrol (巡查) records: where, a note (text or voice), whether a problem was found."""

    note: str = ""
    voice: StoredMedia | None = None
    point: GeoPoint | None = None
    address: str = ""
    problem: bool = False


@dataclass(frozen=True)
class Patrol:
    """A patrol logged by a grid worker or cadre."""

    id: int
    village_id: int
    patroller_id: int
    grid_id: int | None
    at: datetime
    draft: PatrolDraft
    report_id: int | None = None


@dataclass(frozen=True)
class CareEntry:
    """A person on the list as staff see it: who, where, their last visit and when the next is due."""

    subject: CareSubject
    person: Person
    household: str | None
    last_visit: Visit | None
    due_at: datetime


@dataclass(frozen=True)
class LoggedVisit:
    """A visit just logged, and the secretaries to flag it to (empty when nothing calls for it)."""

    visit: Visit
    entry: CareEntry
    flagged_to: tuple[int, ...] = ()
    flag: str | None = None  # why: a `Flag` value


class Flag(StrEnum):
    """Why a visit is flagged to the secretary."""

    PROBLEM = "problem"  # the visit found a problem (a report was filed)
    NEEDS_HELP_TWICE = "needs_help_twice"  # 需要帮助 at two visits in a row


@dataclass(frozen=True)
class CareReminder:
    """Visits due, for one grid worker (or the cadres of a grid without one), under one idempotency key."""

    key: str
    recipients: tuple[int, ...]
    entries: tuple[CareEntry, ...]
    workers: tuple[str, ...] = ()  # the grid workers of the person's grid (for an overdue visit)


@dataclass(frozen=True)
class CareFigures:
    """The month's care figures for the digest (一月一汇)."""

    on_list: int
    visits: int
    visited_people: int
    due: int
    overdue: int
    flagged: int
    patrols: int
