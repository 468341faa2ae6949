"""Writing tables: CSV (UTF-8 with BOM, so Excel shows Chinese) or XLSX, every cell through `export_cell`."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from bot.spreadsheets.cells import export_cell
from bot.spreadsheets.errors import SpreadsheetError
from handlers.texts import _


def write_table(path: Path, rows: Sequence[Sequence[Any]], *, title: str = "Sheet1") -> None:
    """Write rows to CSV or XLSX, by the file's extension."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            write_csv(handle, rows)
        return
    if suffix != ".xlsx":
        raise SpreadsheetError(_("{name}: use a .csv or .xlsx file.", name=path.name))
    _write_xlsx(path, rows, title)


def write_csv(stream: TextIO, rows: Iterable[Sequence[Any]]) -> None:
    """Write rows as CSV to an open text stream (a file, or standard output)."""
    csv.writer(stream).writerows([export_cell(value) for value in row] for row in rows)


def _write_xlsx(path: Path, rows: Sequence[Sequence[Any]], title: str) -> None:
    # Not write_only: that mode leaves out the sheet's <dimension>, and openpyxl then parses a whole
    # sheet once more just to size it when the file is imported again.
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    for row in rows:
        sheet.append([_xlsx_value(value) for value in row])
    workbook.save(path)


def _xlsx_value(value: Any) -> Any:
    # XML cannot hold most control characters, and openpyxl refuses them rather than drop them.
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", str(export_cell(value)))
    return export_cell(value)
