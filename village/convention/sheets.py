"""Assessing by spreadsheet: a template per group and period, and an import that checks every row first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from village.convention.lookups import Lookups
from village.convention.models import Assessment, Convention
from village.convention.periods import Period
from village.errors import ErrorCode, ImportRejectedError, RowError, VillageError
from village.people import Actor
from village.permissions import require_role
from village.places import Household, Village
from village.roles import Role

if TYPE_CHECKING:
    from village.ports import Store

# Canonical column -> accepted headers (English, and what a village office writes).
COLUMNS: dict[str, tuple[str, ...]] = {
    "village": ("village", "村", "村代码"),
    "period": ("period", "考核期", "期", "周期"),
    "group": ("group", "村民小组", "小组", "宅基"),
    "household": ("household", "户号", "户"),
    "reason": ("reason", "原因", "扣分原因"),
}
REQUIRED = ("village", "period", "household")
MAX_REASON = 300


@dataclass(frozen=True)
class PlannedDraft:
    """A checked row, ready to be written."""

    household: Household
    period: Period
    convention: Convention
    points: dict[int, int]
    reason: str
    existing: Assessment | None


@dataclass
class _Context:
    """Caches while checking a file, and the problems found so far."""

    villages: dict[str, Village | None] = field(default_factory=dict)
    conventions: dict[int, Convention | None] = field(default_factory=dict)
    households: dict[int, dict[str, Household]] = field(default_factory=dict)
    seen: dict[tuple[int, str], int] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)


def template(convention: Convention, village: Village, group: str, period: Period,
             households: Sequence[tuple[Household, Assessment | None]]) -> list[list[str]]:
    """Return the template table: one row per household still open, a column per clause, drafts prefilled."""
    header = ["village", "period", "group", "household", *(c.name for c in convention.clauses), "reason"]
    rows = [header]
    for household, draft in households:
        points = draft.deduction_points() if draft else {}
        reason = "; ".join(dict.fromkeys(d.reason for d in draft.deductions)) if draft else ""
        rows.append([village.code, period.code, group, household.label,
                     *(str(points[c.id]) if points.get(c.id) else "" for c in convention.clauses), reason])
    return rows


class SheetReader:
    """Checks an assessment table against the villages' conventions and the roster."""

    def __init__(self, store: Store, lookups: Lookups, actor: Actor) -> None:
        self._store = store
        self._lookups = lookups
        self._actor = actor

    async def plan(self, table: Sequence[Sequence[str]]) -> list[PlannedDraft]:
        """Return one planned draft per row, or raise listing every bad row.

        Raises:
            ImportRejectedError: any bad row or header; nothing is to be written.
        """
        rows = [list(r) for r in table if any(str(c).strip() for c in r)]
        if len(rows) < 2:
            raise ImportRejectedError([RowError(1, ErrorCode.EMPTY_FILE)])
        columns, clause_columns = _header(rows[0])
        context, planned = _Context(), []
        for number, row in enumerate(table[1:], start=2):
            if any(str(c).strip() for c in row):
                draft = await self._row(context, number, row, columns, clause_columns)
                planned += [draft] if draft else []
        if context.errors:
            raise ImportRejectedError(sorted(context.errors, key=lambda e: e.row))
        return planned

    async def _row(self, context: _Context, number: int, row: Sequence[str], columns: dict[str, int],
                   clauses: dict[str, int]) -> PlannedDraft | None:
        def cell(name: str) -> str:
            index = columns.get(name)
            return "" if index is None else cell_at(row, index)

        errors_before = len(context.errors)
        village = await self._village(context, number, cell("village"))
        convention = await self._convention(context, number, village) if village else None
        if village is None or convention is None:
            return None
        self._unknown_clauses(context, convention, clauses)
        period = self._period(context, number, cell("period"), convention)
        household = await self._household(context, number, village, cell("household"))
        points = _points(context, number, convention, {name: cell_at(row, i) for name, i in clauses.items()})
        reason = cell("reason")
        if any(points.values()) and not reason:
            context.errors.append(RowError(number, ErrorCode.ROW_REASON_REQUIRED))
        if len(reason) > MAX_REASON:
            context.errors.append(RowError(number, ErrorCode.CONVENTION_TEXT_TOO_LONG, {"limit": MAX_REASON}))
        if period is None or household is None:
            return None
        existing = await self._existing(context, number, household, period)
        if len(context.errors) > errors_before:
            return None
        return PlannedDraft(household, period, convention, points, reason, existing)

    async def _village(self, context: _Context, number: int, code: str) -> Village | None:
        key = code.upper()
        if key not in context.villages:
            try:
                village = await self._lookups.village_by_code(key) if key else None
            except VillageError:
                village = None
            if village is not None:
                require_role(self._actor, village.id, Role.CADRE)  # refused outright, not as a row problem
            context.villages[key] = village
        village = context.villages[key]
        if village is None:
            context.errors.append(RowError(number, ErrorCode.ROW_UNKNOWN_VILLAGE, {"value": code}))
        return village

    async def _convention(self, context: _Context, number: int, village: Village) -> Convention | None:
        if village.id not in context.conventions:
            context.conventions[village.id] = await self._store.conventions.current(village.id)
        convention = context.conventions[village.id]
        if convention is None:
            context.errors.append(RowError(number, ErrorCode.NO_CONVENTION))
        return convention

    def _unknown_clauses(self, context: _Context, convention: Convention, clauses: dict[str, int]) -> None:
        for name in clauses:
            problem = RowError(1, ErrorCode.ROW_UNKNOWN_CLAUSE, {"value": name})
            if convention.clause_named(name) is None and problem not in context.errors:
                context.errors.append(problem)

    def _period(self, context: _Context, number: int, code: str, convention: Convention) -> Period | None:
        try:
            return self._lookups.period(code, convention)
        except VillageError:
            context.errors.append(RowError(number, ErrorCode.ROW_WRONG_PERIOD, {"value": code}))
            return None

    async def _household(self, context: _Context, number: int, village: Village, label: str) -> Household | None:
        if village.id not in context.households:
            context.households[village.id] = {h.label: h for h in await self._store.places.households(village.id)}
        household = context.households[village.id].get(label)
        if household is None:
            context.errors.append(RowError(number, ErrorCode.ROW_UNKNOWN_HOUSEHOLD, {"value": label}))
        elif self._actor.person is not None and self._actor.person.household_id == household.id:
            context.errors.append(RowError(number, ErrorCode.OWN_HOUSEHOLD, {"household": label}))  # 回避
        return household

    async def _existing(self, context: _Context, number: int, household: Household,
                        period: Period) -> Assessment | None:
        key = (household.id, period.code)
        if key in context.seen:
            context.errors.append(RowError(number, ErrorCode.ROW_DUPLICATE_HOUSEHOLD, {"other": context.seen[key]}))
        context.seen.setdefault(key, number)
        existing = await self._store.assessments.of_household(household.id, period.code)
        if existing is not None and existing.is_published:
            context.errors.append(RowError(number, ErrorCode.ROW_ALREADY_PUBLISHED))
        return existing


def _header(header: Sequence[str]) -> tuple[dict[str, int], dict[str, int]]:
    aliases = {alias.lower(): name for name, names in COLUMNS.items() for alias in names}
    columns: dict[str, int] = {}
    clauses: dict[str, int] = {}
    for index, raw in enumerate(header):
        title = str(raw).strip()
        if not title:
            continue
        name = aliases.get(title.lower())
        if name is not None:
            columns.setdefault(name, index)
        else:
            clauses.setdefault(title, index)
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise ImportRejectedError([RowError(1, ErrorCode.BAD_HEADER, {"columns": ", ".join(missing)})])
    return columns, clauses


def cell_at(row: Sequence[str], index: int) -> str:
    """Return a cell's text, empty when the row is short."""
    return str(row[index]).strip() if index < len(row) and row[index] is not None else ""


def _points(context: _Context, number: int, convention: Convention, cells: dict[str, str]) -> dict[int, int]:
    points: dict[int, int] = {}
    for name, text in cells.items():
        clause = convention.clause_named(name)
        if clause is None or not text:
            continue
        value = _whole_number(text)
        if value is None or value < 0:
            context.errors.append(RowError(number, ErrorCode.ROW_BAD_DEDUCTION, {"clause": name, "value": text}))
        elif value > clause.points:
            context.errors.append(RowError(number, ErrorCode.ROW_DEDUCTION_TOO_LARGE,
                                           {"clause": name, "points": clause.points}))
        elif value:
            points[clause.id] = value
    return points


def _whole_number(text: str) -> int | None:
    cleaned = text.strip().removesuffix(".0")
    return int(cleaned) if cleaned.lstrip("-").isdigit() else None
