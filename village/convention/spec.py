"""A convention as written in a file (TOML or XLSX), validated before it is stored; and the default one."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from village.convention.periods import PeriodKind
from village.convention.rules import FACE_ALIASES, Face, upward_closed
from village.errors import ErrorCode, ImportRejectedError, RowError

PERIOD_ALIASES = {"月": PeriodKind.MONTHLY, "每月": PeriodKind.MONTHLY, "按月": PeriodKind.MONTHLY,
                  "季": PeriodKind.QUARTERLY, "每季": PeriodKind.QUARTERLY, "按季": PeriodKind.QUARTERLY,
                  "季度": PeriodKind.QUARTERLY}


def _face(value: Any) -> Any:
    return FACE_ALIASES.get(str(value).strip(), str(value).strip().lower()) if isinstance(value, str) else value


def _period(value: Any) -> Any:
    return PERIOD_ALIASES.get(value.strip(), value.strip().lower()) if isinstance(value, str) else value


def _blank_is_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


Yuan = Annotated[Decimal, Field(ge=0, le=1_000_000, decimal_places=2)]
FaceName = Annotated[Face, BeforeValidator(_face)]


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class ClauseSpec(_Spec):
    """A clause: name, points, the usual deduction per finding (default: all its points), description."""

    name: str = Field(min_length=1, max_length=30)
    points: int = Field(ge=1, le=1000)
    step: Annotated[int | None, BeforeValidator(_blank_is_none)] = Field(default=None, ge=1)
    description: str = Field(default="", max_length=200)

    @property
    def deduction_step(self) -> int:
        """Return the usual deduction, never more than the clause's points."""
        return min(self.step or self.points, self.points)


class FacesSpec(_Spec):
    """Face thresholds: 笑脸 at `smile` or more, 平脸 at `flat` or more, else 哭脸."""

    smile: int = Field(ge=0)
    flat: int = Field(ge=0)


class HomesteadSpec(_Spec):
    """和美宅基: the group reward in yuan, standards needed to pass, and the cut per failed spot check."""

    reward: Yuan = Decimal(0)
    pass_min: int = Field(default=6, ge=1, le=6)
    spot_check_reduction_percent: int = Field(default=50, ge=0, le=100)


class ConventionSpec(_Spec):
    """A whole convention, checked as a unit."""

    period: Annotated[PeriodKind, BeforeValidator(_period)] = PeriodKind.MONTHLY
    faces: FacesSpec
    passing_faces: tuple[FaceName, ...] = (Face.SMILE, Face.FLAT)
    annual_reward: Yuan = Decimal(0)
    retained_percent: int = Field(default=50, ge=0, le=100)
    homestead: HomesteadSpec = HomesteadSpec()
    clauses: tuple[ClauseSpec, ...] = Field(min_length=1, max_length=30)

    @property
    def full_marks(self) -> int:
        """Return the total with no deductions."""
        return sum(c.points for c in self.clauses)


def to_fen(yuan: Decimal) -> int:
    """Convert yuan with at most two decimals to integer fen."""
    return int((yuan * 100).to_integral_value())


def parse_convention(data: Mapping[str, Any]) -> ConventionSpec:
    """Validate a convention; list every problem at once.

    Raises:
        ImportRejectedError: one `RowError` per problem; clause problems carry the clause's
            position (1 = first clause), general ones row 0.
    """
    try:
        spec = ConventionSpec.model_validate(dict(data))
    except ValidationError as error:
        problems = error.errors()
        clause_problems = any(len(p["loc"]) > 1 and p["loc"][0] == "clauses" for p in problems)
        # A bad clause also leaves the list "too short" after validation: say only what is wrong with it.
        kept = [p for p in problems if not (clause_problems and tuple(p["loc"]) == ("clauses",))]
        raise ImportRejectedError([_row_error(problem) for problem in kept]) from None
    inconsistencies = _consistency(spec)
    if inconsistencies:
        raise ImportRejectedError(inconsistencies)
    return spec


def _row_error(problem: Any) -> RowError:
    location = [str(part) for part in problem["loc"]]
    if len(location) >= 3 and location[0] == "clauses" and location[1].isdigit():
        return RowError(int(location[1]) + 1, ErrorCode.CONVENTION_BAD_VALUE, {"field": location[2]})
    return RowError(0, ErrorCode.CONVENTION_BAD_VALUE, {"field": ".".join(location) or "-"})


def _consistency(spec: ConventionSpec) -> list[RowError]:
    problems = []
    seen: dict[str, int] = {}
    for number, clause in enumerate(spec.clauses, start=1):
        if clause.name in seen:
            problems.append(RowError(number, ErrorCode.CONVENTION_DUPLICATE_CLAUSE,
                                     {"name": clause.name, "other": seen[clause.name]}))
        seen.setdefault(clause.name, number)
    if not spec.faces.flat <= spec.faces.smile <= spec.full_marks:
        problems.append(RowError(0, ErrorCode.CONVENTION_THRESHOLDS, {"full": spec.full_marks}))
    if not upward_closed(spec.passing_faces):
        problems.append(RowError(0, ErrorCode.CONVENTION_PASSING_FACES))
    return problems


# The default convention, from the clauses of DESIGN.md; 100 points in all.
DEFAULT_CONVENTION = ConventionSpec(
    period=PeriodKind.MONTHLY,
    faces=FacesSpec(smile=90, flat=70),
    passing_faces=(Face.SMILE, Face.FLAT),
    annual_reward=Decimal(600),
    retained_percent=50,
    homestead=HomesteadSpec(reward=Decimal(10000), pass_min=6, spot_check_reduction_percent=50),
    clauses=(
        ClauseSpec(name="垃圾分类", points=20, step=5, description="干湿分开，定时定点投放"),
        ClauseSpec(name="房屋出租规范", points=15, step=5, description="出租登记，不群租"),
        ClauseSpec(name="宅前屋后整洁", points=15, step=5, description="无乱堆乱放，无杂草"),
        ClauseSpec(name="不违章搭建", points=15, step=15, description="无新增违法建筑"),
        ClauseSpec(name="河道保洁", points=10, step=5, description="不向河道倾倒垃圾污水"),
        ClauseSpec(name="文明乡风", points=15, step=5, description="邻里和睦，移风易俗"),
        ClauseSpec(name="孝老爱亲", points=10, step=5, description="赡养老人，家庭和睦"),
    ),
)
