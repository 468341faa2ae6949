"""The convention's pure rules: faces by thresholds, reward shares, 和美宅基 standing, deadlines.

Money is integer fen (1 yuan = 100 fen) everywhere; shares are integer percents.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from village.convention.periods import Period
from village.errors import ConflictError, ErrorCode


class Face(StrEnum):
    """The result shown for a household's period: 笑脸, 平脸 or 哭脸."""

    SMILE = "smile"
    FLAT = "flat"
    CRY = "cry"


FACE_ALIASES: dict[str, Face] = {"笑脸": Face.SMILE, "平脸": Face.FLAT, "哭脸": Face.CRY}


@dataclass(frozen=True)
class FaceThresholds:
    """A total of `smile_min` or more earns 笑脸; `flat_min` or more 平脸; anything less 哭脸."""

    smile_min: int
    flat_min: int

    def __post_init__(self) -> None:
        if not 0 <= self.flat_min <= self.smile_min:
            raise ValueError("thresholds must satisfy 0 <= flat_min <= smile_min")


def face_for(total: int, thresholds: FaceThresholds) -> Face:
    """Return the face a total earns."""
    if total >= thresholds.smile_min:
        return Face.SMILE
    if total >= thresholds.flat_min:
        return Face.FLAT
    return Face.CRY


@dataclass(frozen=True)
class RewardTerms:
    """The household reward (和美奖励金): a yearly amount, and the share kept back until a period passes."""

    annual_fen: int
    retained_percent: int
    passing: frozenset[Face]

    def passes(self, face: Face) -> bool:
        """Tell whether a face passes, releasing the period's retained share."""
        return face in self.passing


@dataclass(frozen=True)
class PeriodReward:
    """One period's reward: `released` to the household, `withheld` for good."""

    released: int
    withheld: int

    @property
    def amount(self) -> int:
        """Return the whole period's amount."""
        return self.released + self.withheld


def period_amount(annual_fen: int, period: Period) -> int:
    """Return a period's part of the yearly amount; the first periods carry the odd fen, so a year adds up."""
    share, rest = divmod(annual_fen, period.kind.per_year)
    return share + (1 if period.index <= rest else 0)


def period_reward(terms: RewardTerms, period: Period, face: Face) -> PeriodReward:
    """Return what a published period releases and withholds: a failed period withholds its retained share."""
    amount = period_amount(terms.annual_fen, period)
    retained = amount * terms.retained_percent // 100
    if terms.passes(face):
        return PeriodReward(amount, 0)
    return PeriodReward(amount - retained, retained)


def upward_closed(passing: Iterable[Face]) -> bool:
    """Tell whether a set of passing faces makes sense: if 平脸 passes, 笑脸 must too; 笑脸 always does."""
    faces = set(passing)
    return Face.SMILE in faces and (Face.CRY not in faces or Face.FLAT in faces)


class Standard(StrEnum):
    """The six standards of a 和美宅基 (homestead) group assessment."""

    NO_VIOLATIONS = "no_violations"  # 清五违
    NO_GROUP_RENTING = "no_group_renting"  # 清群租
    NO_LITTER = "no_litter"  # 清垃圾
    CLEAN_RIVERS = "clean_rivers"  # 河道美
    GREENERY = "greenery"  # 绿化美
    CIVILITY = "civility"  # 民风美


# Village offices write the standards by their Chinese names.
STANDARD_ALIASES: dict[str, Standard] = {
    "清五违": Standard.NO_VIOLATIONS, "清群租": Standard.NO_GROUP_RENTING, "清垃圾": Standard.NO_LITTER,
    "河道美": Standard.CLEAN_RIVERS, "绿化美": Standard.GREENERY, "民风美": Standard.CIVILITY,
}


def parse_standard(token: str) -> Standard:
    """Return the standard named by its Chinese name or English value.

    Raises:
        ValueError: no standard has that name.
    """
    name = token.strip()
    found = STANDARD_ALIASES.get(name)
    return found if found is not None else Standard(name.lower())


@dataclass(frozen=True)
class HomesteadTerms:
    """The group reward for a passing 和美宅基, and what each failed spot check takes off it."""

    reward_fen: int
    pass_min: int
    reduction_percent: int


def homestead_passes(results: Mapping[Standard, bool], pass_min: int) -> bool:
    """Tell whether a group meets at least `pass_min` of the six standards (unlisted ones fail)."""
    return sum(1 for standard in Standard if results.get(standard, False)) >= pass_min


@dataclass(frozen=True)
class GroupReward:
    """A group's reward for a year: entitled, released, withheld, and still pending assessment."""

    entitled: int
    released: int
    withheld: int
    pending: int


def group_reward(terms: HomesteadTerms, annual_passed: bool | None, failed_spot_checks: int) -> GroupReward:
    """Return a group's reward: nothing pending once assessed; each failed spot check reduces a pass."""
    entitled = terms.reward_fen
    if annual_passed is None:
        return GroupReward(entitled, 0, 0, entitled)
    if not annual_passed:
        return GroupReward(entitled, 0, entitled, 0)
    reduction = min(entitled, failed_spot_checks * entitled * terms.reduction_percent // 100)
    return GroupReward(entitled, entitled - reduction, reduction, 0)


def appeal_deadline(published_at: datetime, days: int) -> datetime:
    """Return the last moment a published result may be appealed."""
    return published_at + timedelta(days=days)


class RectificationStatus(StrEnum):
    """A rectification task (整改): what a failing household must fix, and how it went."""

    OPEN = "open"
    REPORTED = "reported"  # the household says it is fixed; the assessor has to look
    FIXED = "fixed"
    NOT_FIXED = "not_fixed"
    CANCELLED = "cancelled"  # the result was revised and the task no longer applies


class RectificationStep(StrEnum):
    """What can happen to a rectification task."""

    REPORT = "report"  # a household member reports it fixed
    PASS = "pass"  # the assessor finds it fixed
    FAIL = "fail"  # the assessor finds it not fixed
    CANCEL = "cancel"  # a revision withdrew it


_RECTIFICATION_MOVES: dict[tuple[RectificationStatus, RectificationStep], RectificationStatus] = {
    (RectificationStatus.OPEN, RectificationStep.REPORT): RectificationStatus.REPORTED,
    (RectificationStatus.NOT_FIXED, RectificationStep.REPORT): RectificationStatus.REPORTED,
    (RectificationStatus.OPEN, RectificationStep.PASS): RectificationStatus.FIXED,
    (RectificationStatus.REPORTED, RectificationStep.PASS): RectificationStatus.FIXED,
    (RectificationStatus.OPEN, RectificationStep.FAIL): RectificationStatus.NOT_FIXED,
    (RectificationStatus.REPORTED, RectificationStep.FAIL): RectificationStatus.NOT_FIXED,
    (RectificationStatus.OPEN, RectificationStep.CANCEL): RectificationStatus.CANCELLED,
    (RectificationStatus.REPORTED, RectificationStep.CANCEL): RectificationStatus.CANCELLED,
    (RectificationStatus.NOT_FIXED, RectificationStep.CANCEL): RectificationStatus.CANCELLED,
}


def rectification_after(status: RectificationStatus, step: RectificationStep) -> RectificationStatus:
    """Return the status after `step`.

    Raises:
        ConflictError: the task's status does not allow that step.
    """
    moved = _RECTIFICATION_MOVES.get((status, step))
    if moved is None:
        raise ConflictError(ErrorCode.RECTIFICATION_CLOSED)
    return moved
