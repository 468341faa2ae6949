"""Roster rows: validating a table of who lives where and holds which role, all rows first.

Plain functions over plain tuples: a district's 300,000 rows took 25 s through a pydantic model a row
(and 450 MB of models), about a fifth of that so (bench/roster.py). Role cells repeat ("", "户主"), so each
distinct one is parsed once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

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
MAX_NAME = 20

_VILLAGE_CODE = re.compile(r"[A-Z][A-Z0-9]{1,7}")
_MAINLAND_MOBILE = re.compile(r"1[3-9]\d{9}")  # the form nearly every roster phone has: no normalising needed
# Cells a spreadsheet would run as a formula (OWASP CSV injection); stored, they would come back in every export.
FORMULA_STARTS = ("=", "+", "-", "@")
_ROLE_SEPARATORS = re.compile(r"[;；,，、]")
_PLACE_COLUMNS = ("village_name", "grid", "group", "household")  # text that may not start a formula
_DEFAULT_ROLES = (RoleGrant(Role.RESIDENT, None),)


def _strip(value: Any) -> str:
    if type(value) is str:
        return value.strip()
    return "" if value is None else str(value).strip()


class RosterRow(NamedTuple):
    """One validated roster row."""

    village: str
    village_name: str = ""
    grid: str = ""
    group: str = ""
    household: str = ""
    name: str = ""
    phone: str = ""
    roles: tuple[RoleGrant, ...] = ()

    @property
    def is_staff_only(self) -> bool:
        """Tell whether every role is a staff role, so no household is needed."""
        return all(g.role in STAFF_ROLES for g in self.roles)

    def has(self, role: Role) -> bool:
        """Tell whether the row grants `role`."""
        return any(g.role is role for g in self.roles)


class NumberedRow(NamedTuple):
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
    # The position of each canonical column (the last, when a header names one twice), else None.
    positions = [next((i for i, n in reversed(mapping.items()) if n == name), None) for name in EXPORT_COLUMNS]
    parse_roles = _RoleCells(with_column=positions[-1] is not None)
    rows: list[NumberedRow] = []
    errors: list[RowError] = []
    for number, cells in enumerate(table[1:], start=2):
        values = [_strip(cells[i]) if i is not None and i < len(cells) else "" for i in positions]
        if not any(values):
            continue  # blank lines in a spreadsheet are not errors
        row = _parse_row(number, values, parse_roles, errors)
        if row is not None:
            rows.append(NumberedRow(number, row))
    errors.extend(check_rows(rows))
    errors = fold_absent_columns(errors, set(mapping.values()))
    if errors:
        raise ImportRejectedError(sorted(errors, key=lambda e: e.row))
    if not rows:
        raise ImportRejectedError([RowError(1, ErrorCode.EMPTY_FILE)])
    return rows


def _parse_row(number: int, values: list[str], parse_roles: _RoleCells, errors: list[RowError]) -> RosterRow | None:
    """Return the row, or None after adding one error for each bad cell (in column order) to `errors`."""
    village, village_name, grid, group, household, name, phone, roles = values
    found: list[RowError] = []

    def bad(code: ErrorCode, column: str, value: str) -> None:
        found.append(RowError(number, code, {"column": column, "value": value}))

    code = village.upper()
    if not _VILLAGE_CODE.fullmatch(code):
        bad(ErrorCode.ROW_BAD_VILLAGE_CODE, "village", village)
    for column, value in zip(_PLACE_COLUMNS, (village_name, grid, group, household), strict=True):
        if value.startswith(FORMULA_STARTS):
            bad(ErrorCode.ROW_FORMULA, column, value)
    if name.startswith(FORMULA_STARTS):
        bad(ErrorCode.ROW_FORMULA, "name", name)
    elif not name or len(name) > MAX_NAME:
        bad(ErrorCode.ROW_BAD_NAME, "name", name)
    if phone:
        normal = _phone(phone)
        if normal is None:
            bad(ErrorCode.ROW_BAD_PHONE, "phone", phone)
        phone = normal or ""
    grants = parse_roles(roles)
    if isinstance(grants, str):
        bad(ErrorCode.ROW_UNKNOWN_ROLE, "roles", grants)
    if found:
        errors.extend(found)
        return None
    assert not isinstance(grants, str)
    return RosterRow(code, village_name, grid, group, household, name, phone, grants)


def _phone(value: str) -> str | None:
    if _MAINLAND_MOBILE.fullmatch(value):
        return "+86" + value
    try:
        return normalise_phone(value.removesuffix(".0"))
    except ValueError:
        return None


class _RoleCells:
    """Parse a roles cell into grants, or into the first token naming no role; once per distinct cell."""

    def __init__(self, *, with_column: bool) -> None:
        # Without a roles column a row grants nothing itself (the import still makes a household's member a
        # resident); an empty roles cell means a resident.
        self._seen: dict[str, tuple[RoleGrant, ...] | str] = {} if with_column else {"": ()}

    def __call__(self, cell: str) -> tuple[RoleGrant, ...] | str:
        parsed = self._seen.get(cell)
        if parsed is None:
            parsed = self._seen[cell] = _parse_roles(cell)
        return parsed


def _parse_roles(cell: str) -> tuple[RoleGrant, ...] | str:
    grants = []
    for token in (t for t in _ROLE_SEPARATORS.split(cell) if t.strip()):
        try:
            grant = parse_role(token)
        except ValueError:
            return token
        if grant.role is Role.FAMILY:  # only the family link makes a relative; a roster cannot
            return token
        grants.append(grant)
    return tuple(grants) or _DEFAULT_ROLES


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

