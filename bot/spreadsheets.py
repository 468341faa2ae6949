"""Reading and writing tables as CSV or XLSX, the formats a village office uses."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook


class SpreadsheetError(Exception):
    """The file cannot be read as a table."""


def read_table(path: Path) -> list[list[str]]:
    """Return the rows of the first sheet (XLSX) or of the CSV file, every cell as text."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise SpreadsheetError(f"cannot read {path}: no such file")
    try:
        if suffix == ".csv":
            return _read_csv(path.read_bytes())
        if suffix in (".xlsx", ".xlsm"):
            return _read_xlsx(path)
    except OSError as error:
        raise SpreadsheetError(f"cannot read {path}: {error.strerror}") from None
    raise SpreadsheetError(f"{path.name}: use a .csv or .xlsx file")


def write_table(path: Path, rows: Sequence[Sequence[Any]], *, title: str = "Sheet1") -> None:
    """Write rows to CSV (UTF-8 with BOM, so Excel shows Chinese) or XLSX, by the file's extension."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows(rows)
        return
    if suffix != ".xlsx":
        raise SpreadsheetError(f"{path.name}: use a .csv or .xlsx file")
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)


def _read_csv(data: bytes) -> list[list[str]]:
    # Excel in a Chinese office saves CSV as GB18030 unless told otherwise.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SpreadsheetError("the CSV file is neither UTF-8 nor GB18030 text")
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]


def _read_xlsx(path: Path) -> list[list[str]]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged file
        raise SpreadsheetError(f"{path.name} is not a readable XLSX file ({type(error).__name__})") from None
    try:
        sheet = workbook.worksheets[0]
        return [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # phone numbers typed as numbers
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()
