"""Roster rows: validating a table of who lives where and holds which role, all rows first."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from village.errors import ErrorCode, ImportRejectedError, RowError
from village.phones import normalise_phone
from village.roles import STAFF_ROLES, Role, RoleGrant, parse_role

# Canonical column -> accepted headers (English and the Chinese a village office uses).
COLUMNS: dict[str, tuple[str, ...]] = {
    "village": ("village", "村", "村代码", "村编码"),
    "village_name": ("village_name", "村名", "村名称"),
    "grid": ("grid", "网格"),
    "group": ("group", "村民小组", "小组", "宅基"),
    "household": ("household", "户号", "户"),
    "name": ("name", "姓名"),
    "phone": ("phone", "手机号", "手机", "电话"),
    "roles": ("roles", "角色"),
}
REQUIRED_COLUMNS = ("village", "name")
EXPORT_COLUMNS = ("village", "village_name", "grid", "group", "household", "name", "phone", "roles")

_VILLAGE_CODE = re.compile(r"[A-Z][A-Z0-9]{1,7}")
# Cells a spreadsheet would run as a formula (OWASP CSV injection); stored, they would come back in every export.
FORMULA_STARTS = ("=", "+", "-", "@")
_ROLE_SEPARATORS = re.compile(r"[;；,，、]")
_ERROR_TYPES = {
    "bad_phone": ErrorCode.ROW_BAD_PHONE,
    "bad_village_code": ErrorCode.ROW_BAD_VILLAGE_CODE,
    "unknown_role": ErrorCode.ROW_UNKNOWN_ROLE,
    "bad_name": ErrorCode.ROW_BAD_NAME,
    "formula": ErrorCode.ROW_FORMULA,
}


def _strip(value: Any) -> str:
    return "" if value is None else str(value).strip()


Cell = Annotated[str, BeforeValidator(_strip)]


class RosterRow(BaseModel):
    """One validated roster row."""

    model_config = ConfigDict(frozen=True)

    village: Cell
    village_name: Cell = ""
    grid: Cell = ""
    group: Cell = ""
    household: Cell = ""
    name: Cell
    phone: Cell = ""
    roles: tuple[RoleGrant, ...] = ()

    @field_validator("village_name", "grid", "group", "household", "name")
    @classmethod
    def _not_formula(cls, value: str) -> str:
        if value.startswith(FORMULA_STARTS):
            raise PydanticCustomError("formula", "looks like a formula", {"value": value})
        return value

    @field_validator("village")
    @classmethod
    def _village_code(cls, value: str) -> str:
        code = value.upper()
        if not _VILLAGE_CODE.fullmatch(code):
            raise PydanticCustomError("bad_village_code", "bad village code", {"value": value})
        return code

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value or len(value) > 20:
            raise PydanticCustomError("bad_name", "bad name", {"value": value})
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        if not value:
            return ""
        try:
            return normalise_phone(value.removesuffix(".0"))
        except ValueError:
            raise PydanticCustomError("bad_phone", "bad phone", {"value": value}) from None

    @field_validator("roles", mode="before")
    @classmethod
    def _roles(cls, value: Any) -> tuple[RoleGrant, ...]:
        if isinstance(value, tuple):
            return value
        tokens = [t for t in _ROLE_SEPARATORS.split(_strip(value)) if t.strip()]
        grants = []
        for token in tokens:
            try:
                grant = parse_role(token)
                if grant.role is Role.FAMILY:  # only the family link makes a relative; a roster cannot
                    raise ValueError(token)
                grants.append(grant)
            except ValueError:
                raise PydanticCustomError("unknown_role", "unknown role", {"value": token}) from None
        return tuple(grants) or (RoleGrant(Role.RESIDENT, None),)

    @property
    def is_staff_only(self) -> bool:
        """Tell whether every role is a staff role, so no household is needed."""
        return all(g.role in STAFF_ROLES for g in self.roles)

    def has(self, role: Role) -> bool:
        """Tell whether the row grants `role`."""
        return any(g.role is role for g in self.roles)


@dataclass(frozen=True)
class NumberedRow:
    """A validated row and its number in the file (the header is row 1)."""

    number: int
    row: RosterRow


@dataclass
class ImportSummary:
    """What an import changed."""

    villages: int = 0
    households: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    touched_villages: list[str] = field(default_factory=list)


def map_header(header: Sequence[Any]) -> dict[int, str]:
    """Map column positions to canonical names.

    Raises:
        ImportRejectedError: a required column is missing.
    """
    lookup = {alias.lower(): name for name, aliases in COLUMNS.items() for alias in aliases}
    mapping = {i: lookup[_strip(h).lower()] for i, h in enumerate(header) if _strip(h).lower() in lookup}
    missing = [c for c in REQUIRED_COLUMNS if c not in mapping.values()]
    if missing:
        raise ImportRejectedError([RowError(1, ErrorCode.BAD_HEADER, {"columns": ", ".join(missing)})])
    return mapping


def parse_rows(table: Sequence[Sequence[Any]]) -> list[NumberedRow]:
    """Validate a whole table (header first) and return its rows.

    Raises:
        ImportRejectedError: with every bad row, when any row is bad.
    """
    if not table:
        raise ImportRejectedError([RowError(1, ErrorCode.EMPTY_FILE)])
    mapping = map_header(table[0])
    rows: list[NumberedRow] = []
    errors: list[RowError] = []
    for number, cells in enumerate(table[1:], start=2):
        record = {name: cells[i] if i < len(cells) else "" for i, name in mapping.items()}
        if not any(_strip(v) for v in record.values()):
            continue  # blank lines in a spreadsheet are not errors
        try:
            rows.append(NumberedRow(number, RosterRow.model_validate(record)))
        except ValidationError as exc:
            errors.extend(_row_errors(number, exc))
    errors.extend(check_rows(rows))
    errors = fold_absent_columns(errors, set(mapping.values()))
    if errors:
        raise ImportRejectedError(sorted(errors, key=lambda e: e.row))
    if not rows:
        raise ImportRejectedError([RowError(1, ErrorCode.EMPTY_FILE)])
    return rows


# The columns a row problem asks for: when the header lacks one, every row would say so.
_NEEDED_COLUMNS = {
    ErrorCode.ROW_HOUSEHOLD_REQUIRED: ("household", "group", "grid"),
    ErrorCode.ROW_GRID_REQUIRED: ("grid",),
    ErrorCode.ROW_STAFF_PHONE_REQUIRED: ("phone",),
}


def fold_absent_columns(errors: Sequence[RowError], present: set[str]) -> list[RowError]:
    """Replace row problems caused by a column the header lacks with one header problem naming it."""
    absent: list[str] = []
    kept: list[RowError] = []
    for error in errors:
        needed = _NEEDED_COLUMNS.get(error.code) or (
            (str(error.params["column"]),) if error.code is ErrorCode.ROW_MISSING and "column" in error.params else ())
        missing = [c for c in needed if c not in present]
        if missing:
            absent += [c for c in missing if c not in absent]
        else:
            kept.append(error)
    header = [RowError(1, ErrorCode.BAD_HEADER, {"columns": ", ".join(absent)})] if absent else []
    return header + kept


def _row_errors(number: int, exc: ValidationError) -> Iterable[RowError]:
    for error in exc.errors():
        column = str(error["loc"][0]) if error["loc"] else ""
        code = _ERROR_TYPES.get(error["type"], ErrorCode.ROW_MISSING)
        value = (error.get("ctx") or {}).get("value", "")
        yield RowError(number, code, {"column": column, "value": str(value)})


def check_rows(rows: Sequence[NumberedRow]) -> list[RowError]:
    """Check the rules that need one row, or several rows together."""
    errors = [e for r in rows for e in _check_row(r)]
    errors += _check_unique(rows)
    errors += _check_places(rows)
    return errors


def _check_row(numbered: NumberedRow) -> list[RowError]:
    row, n = numbered.row, numbered.number
    errors = []
    if not row.household and not row.is_staff_only:
        errors.append(RowError(n, ErrorCode.ROW_HOUSEHOLD_REQUIRED))
    if row.household and not (row.group and row.grid):
        errors.append(RowError(n, ErrorCode.ROW_MISSING, {"column": "group" if row.grid else "grid"}))
    if row.has(Role.GRID_WORKER) and not row.grid:
        errors.append(RowError(n, ErrorCode.ROW_GRID_REQUIRED))
    if not row.household and not row.phone:
        errors.append(RowError(n, ErrorCode.ROW_STAFF_PHONE_REQUIRED))
    return errors


def _check_unique(rows: Sequence[NumberedRow]) -> list[RowError]:
    errors = []
    phones: dict[str, int] = {}
    people: dict[tuple[str, str, str], int] = {}
    for numbered in rows:
        row, n = numbered.row, numbered.number
        if row.phone:
            if row.phone in phones:
                errors.append(RowError(n, ErrorCode.ROW_DUPLICATE_PHONE, {"other": phones[row.phone]}))
            phones.setdefault(row.phone, n)
        if row.household:
            key = (row.village, row.household, row.name)
            if key in people:
                errors.append(RowError(n, ErrorCode.ROW_DUPLICATE_PERSON, {"other": people[key]}))
            people.setdefault(key, n)
    return errors


def _check_places(rows: Sequence[NumberedRow]) -> list[RowError]:
    """A household lies in one group, a group in one grid, a village has one name."""
    errors = []
    seen: dict[tuple[str, ...], tuple[str, int]] = {}
    heads: dict[tuple[str, str], int] = {}

    def consistent(key: tuple[str, ...], value: str, n: int, column: str) -> None:
        first = seen.setdefault(key, (value, n))
        if first[0] != value:
            errors.append(RowError(n, ErrorCode.ROW_PLACE_CONFLICT, {"column": column, "other": first[1]}))

    for numbered in rows:
        row, n = numbered.row, numbered.number
        if row.village_name:
            consistent(("village_name", row.village), row.village_name, n, "village_name")
        if row.household:
            consistent(("household", row.village, row.household), row.group, n, "group")
        if row.group:
            consistent(("group", row.village, row.group), row.grid, n, "grid")
        if row.household and row.has(Role.HOUSEHOLD_HEAD):
            key = (row.village, row.household)
            if key in heads:
                errors.append(RowError(n, ErrorCode.ROW_TWO_HEADS, {"other": heads[key]}))
            heads.setdefault(key, n)
    return errors


def role_tokens(grants: Iterable[RoleGrant]) -> str:
    """Write roles back in the roster's form: `cadre:书记;household_head`."""
    tokens = [f"{g.role.value}:{g.title}" if g.title else g.role.value for g in grants]
    return ";".join(dict.fromkeys(tokens))

