"""The care list as a spreadsheet: import (every row checked before anything is written) and export.

Columns (English or Chinese headers): village 村, name 姓名, household 户号 (or phone 手机号 to find the
person), category 类别, rhythm 频次. Categories and rhythms take their Chinese names or the stored values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from village.care.models import CareCategory, Rhythm
from village.errors import ErrorCode, RowError
from village.phones import normalise_phone

COLUMNS: dict[str, tuple[str, ...]] = {
    "village": ("village", "村"), "name": ("name", "姓名"), "household": ("household", "户号"),
    "phone": ("phone", "手机号"), "category": ("category", "类别"), "rhythm": ("rhythm", "频次"),
}
REQUIRED = ("village", "name", "category", "rhythm")
CATEGORY_NAMES: dict[CareCategory, str] = {
    CareCategory.ELDERLY_ALONE: "独居/空巢老人", CareCategory.LEFT_BEHIND_CHILD: "留守儿童",
    CareCategory.DISABLED: "残障人士", CareCategory.OTHER: "其他",
}
RHYTHM_NAMES: dict[Rhythm, str] = {
    Rhythm.WEEKLY: "每周", Rhythm.FORTNIGHTLY: "每两周", Rhythm.MONTHLY: "每月", Rhythm.QUARTERLY: "每季度",
}
CATEGORY_ALIASES: dict[str, CareCategory] = {
    **{c.value: c for c in CareCategory}, **{n: c for c, n in CATEGORY_NAMES.items()},
    "独居老人": CareCategory.ELDERLY_ALONE, "空巢老人": CareCategory.ELDERLY_ALONE, "残疾人": CareCategory.DISABLED,
}
RHYTHM_ALIASES: dict[str, Rhythm] = {
    **{r.value: r for r in Rhythm}, **{n: r for r, n in RHYTHM_NAMES.items()}, "每半月": Rhythm.FORTNIGHTLY,
}
HEADER = ["village", "name", "household", "phone", "category", "rhythm"]


@dataclass(frozen=True)
class CareRow:
    """One row of a care list file, its values checked for form (not yet against the roster)."""

    row: int
    village: str
    name: str
    household: str
    phone: str
    category: CareCategory
    rhythm: Rhythm


@dataclass(frozen=True)
class CareImportSummary:
    """What an import did."""

    added: int
    changed: int
    unchanged: int


def parse_care_rows(table: Sequence[Sequence[str]]) -> tuple[list[CareRow], list[RowError]]:
    """Return the rows checked for form, and every problem found (the header is row 1)."""
    if not table or not any(cell.strip() for cell in table[0]):
        return [], [RowError(1, ErrorCode.EMPTY_FILE)]
    positions = _positions(table[0])
    missing = [name for name in REQUIRED if name not in positions]
    if missing or ("household" not in positions and "phone" not in positions):
        columns = ", ".join(missing or ["household / phone"])
        return [], [RowError(1, ErrorCode.BAD_HEADER, {"columns": columns})]
    rows: list[CareRow] = []
    errors: list[RowError] = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        found = _row(number, cells, positions)
        if isinstance(found, RowError):
            errors.append(found)
        else:
            rows.append(found)
    if not rows and not errors:
        errors.append(RowError(1, ErrorCode.EMPTY_FILE))
    return rows, errors


def _positions(header: Sequence[str]) -> dict[str, int]:
    names = {alias.lower(): key for key, aliases in COLUMNS.items() for alias in aliases}
    return {names[cell.strip().lower()]: i for i, cell in enumerate(header) if cell.strip().lower() in names}


def _row(number: int, cells: Sequence[str], positions: dict[str, int]) -> CareRow | RowError:
    def cell(name: str) -> str:
        index = positions.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    for name in REQUIRED:
        if not cell(name):
            return RowError(number, ErrorCode.ROW_MISSING, {"column": name})
    if not cell("household") and not cell("phone"):
        return RowError(number, ErrorCode.ROW_MISSING, {"column": "household / phone"})
    category, rhythm = CATEGORY_ALIASES.get(cell("category")), RHYTHM_ALIASES.get(cell("rhythm"))
    if category is None:
        return RowError(number, ErrorCode.CARE_ROW_BAD_CATEGORY, {"value": cell("category")})
    if rhythm is None:
        return RowError(number, ErrorCode.CARE_ROW_BAD_RHYTHM, {"value": cell("rhythm")})
    phone = cell("phone")
    if phone:
        try:
            phone = normalise_phone(phone)
        except ValueError:
            return RowError(number, ErrorCode.ROW_BAD_PHONE, {"value": phone})
    return CareRow(number, cell("village").upper(), cell("name"), cell("household"), phone, category, rhythm)
