"""The convention's records: conventions and clauses, assessments, appeals, rectification, 和美宅基."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from village.convention.periods import PeriodKind
from village.convention.rules import (
    Face,
    FaceThresholds,
    HomesteadTerms,
    RectificationStatus,
    RewardTerms,
    Standard,
    face_for,
)


@dataclass(frozen=True)
class Clause:
    """One clause of a convention: its name, the points it is worth, and the usual deduction (`step`)."""

    id: int
    name: str
    points: int
    step: int
    description: str = ""


@dataclass(frozen=True)
class Convention:
    """One version of a village's convention (村规民约). Versions never change once stored:
    an import adds a new one, and each assessment keeps the version it was made under."""

    id: int
    village_id: int
    version: int
    period_kind: PeriodKind
    thresholds: FaceThresholds
    reward: RewardTerms
    homestead: HomesteadTerms
    clauses: tuple[Clause, ...]
    created_at: datetime

    @property
    def full_marks(self) -> int:
        """Return the total of a household with no deductions."""
        return sum(c.points for c in self.clauses)

    def clause(self, clause_id: int) -> Clause | None:
        """Return the clause with this id, None if it is not part of this version."""
        return next((c for c in self.clauses if c.id == clause_id), None)

    def clause_named(self, name: str) -> Clause | None:
        """Return the clause with this name."""
        return next((c for c in self.clauses if c.name == name.strip()), None)

    def score(self, deductions: Mapping[int, int]) -> tuple[int, Face]:
        """Return the total and face for deductions by clause id."""
        total = self.full_marks - sum(deductions.values())
        return total, face_for(total, self.thresholds)


class AssessmentStatus(StrEnum):
    """A household's assessment for a period; no row at all means not assessed yet."""

    DRAFT = "draft"
    PUBLISHED = "published"


@dataclass(frozen=True)
class Deduction:
    """Points taken off under one clause, and why."""

    clause_id: int
    points: int
    reason: str


@dataclass(frozen=True)
class Assessment:
    """One household's result for one period; the reward fields are set when it is published."""

    id: int
    village_id: int
    group_id: int
    household_id: int
    period: str
    convention_id: int
    status: AssessmentStatus
    total: int
    face: Face
    deductions: tuple[Deduction, ...] = ()
    photo_media_id: int | None = None
    assessor_label: str = ""
    assessor_id: int | None = None
    released_fen: int = 0
    withheld_fen: int = 0
    revision: int = 0
    updated_at: datetime | None = None
    published_at: datetime | None = None

    @property
    def is_published(self) -> bool:
        """Tell whether residents can see it."""
        return self.status is AssessmentStatus.PUBLISHED

    def deduction_points(self) -> dict[int, int]:
        """Return points deducted by clause id."""
        return {d.clause_id: d.points for d in self.deductions}

    def snapshot(self) -> dict[str, object]:
        """Return what the audit log records of a result."""
        return {"total": self.total, "face": self.face.value, "released_fen": self.released_fen,
                "withheld_fen": self.withheld_fen,
                "deductions": [{"clause_id": d.clause_id, "points": d.points, "reason": d.reason}
                               for d in self.deductions]}


@dataclass(frozen=True)
class AssessmentFields:
    """What a draft save writes."""

    village_id: int
    group_id: int
    household_id: int
    period: str
    convention_id: int
    total: int
    face: Face
    deductions: tuple[Deduction, ...]
    assessor_label: str
    assessor_id: int | None
    photo_media_id: int | None = None


class AppealStatus(StrEnum):
    """An appeal (申诉) against a published result."""

    OPEN = "open"
    UPHELD = "upheld"
    REVISED = "revised"


@dataclass(frozen=True)
class Appeal:
    """A household member disagrees with a published result; a cadre decides."""

    id: int
    assessment_id: int
    village_id: int
    household_id: int
    person_id: int
    reason: str
    status: AppealStatus
    created_at: datetime
    voice_media_id: int | None = None
    decided_at: datetime | None = None
    decided_by: int | None = None
    decision_note: str = ""


@dataclass(frozen=True)
class Rectification:
    """A task for a failing household: fix what one clause's deduction was for, by a deadline."""

    id: int
    assessment_id: int
    village_id: int
    household_id: int
    clause_id: int
    clause_name: str
    period: str
    deadline: datetime
    status: RectificationStatus
    photo_media_id: int | None = None
    reported_at: datetime | None = None
    inspected_at: datetime | None = None
    inspected_by: int | None = None


class HomesteadKind(StrEnum):
    """A yearly 和美宅基 assessment, or a later spot check (复审/抽查) of the same year."""

    ANNUAL = "annual"
    SPOT_CHECK = "spot_check"


@dataclass(frozen=True)
class HomesteadAssessment:
    """A group measured against the six standards."""

    id: int
    village_id: int
    group_id: int
    year: int
    kind: HomesteadKind
    results: Mapping[Standard, bool]
    notes: Mapping[Standard, str]
    passed: bool
    at: datetime
    assessor_label: str
    assessor_id: int | None = None


@dataclass(frozen=True)
class HomesteadFields:
    """What recording a 和美宅基 assessment writes."""

    village_id: int
    group_id: int
    year: int
    kind: HomesteadKind
    results: Mapping[Standard, bool]
    notes: Mapping[Standard, str]
    passed: bool
    assessor_label: str
    assessor_id: int | None = None
