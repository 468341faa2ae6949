"""Reading tables: the first sheet of an XLSX file, or a CSV file, every cell as text, within `limits`.

XLSX goes through calamine (Rust): openpyxl's read-only mode took over 2 minutes for a district's roster
of 300,000 rows on a loaded 2-core machine, calamine 7 s (bench/roster.py).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Collection, Iterable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from python_calamine import load_workbook

from bot.spreadsheets import limits
from bot.spreadsheets.encodings import decode_text
from bot.spreadsheets.errors import FileMissingError, SpreadsheetError
from handlers.texts import _

XLSX_SUFFIXES = (".xlsx", ".xlsm")


def read_table(path: Path, caps: limits.Caps | None = None) -> list[list[str]]:
    """Return the rows of the first sheet (XLSX) or of the CSV file, every cell as stripped text.

    `caps` bounds the file (default `limits.town()`; the roster reads a district's).

    Raises:
        FileMissingError: there is no such file.
        SpreadsheetError: the file cannot be read whole; the message names the row where it helps.
    """
    caps = caps or limits.town()
    suffix = path.suffix.lower()
    _check_exists(path)
    try:
        if suffix == ".csv":
            return _read_csv(path, caps)
        if suffix in XLSX_SUFFIXES:
            return read_sheet(path, caps=caps)
    except OSError:
        raise SpreadsheetError(_("Cannot read {path}.", path=str(path))) from None
    raise SpreadsheetError(_("{name}: use a .csv or .xlsx file.", name=path.name))


def read_sheet(path: Path, names: Collection[str] | None = None, caps: limits.Caps | None = None) -> list[list[str]]:
    """Return the rows of an XLSX file's first sheet, or of the first sheet named one of `names` (else none)."""
    caps = caps or limits.town()
    _check_exists(path)
    _check_unpacked_size(path, caps)
    try:
        workbook = load_workbook(path)
    except Exception:  # calamine raises several types for a damaged file
        raise _unreadable(path) from None
    try:
        titles = [t for t in workbook.sheet_names if names is None or t.strip().lower() in names]
        if not titles:
            return []
        sheet = workbook.get_sheet_by_name(titles[0])
        # calamine's rows start at the sheet's first non-empty column (its rows too, in some versions): put the
        # cells back where the user sees them, so that a refusal names the row they know.
        first_row, first_column = sheet.start or (0, 0)
        if first_row + sheet.height > caps.rows + 1:
            raise _too_many_rows(path.name, caps)
        padding = [""] * first_column
        rows = ([*padding, *map(_cell_text, row)][:limits.MAX_COLUMNS] for row in sheet.iter_rows())
        table = _checked_rows(path.name, caps, rows)
        if len(table) == sheet.height:
            table[:0] = [[] for _ in range(first_row)]
        return table
    except SpreadsheetError:
        raise
    except Exception:  # a damaged sheet only shows while its rows are parsed
        raise _unreadable(path) from None
    finally:
        workbook.close()


def _check_exists(path: Path) -> None:
    if not path.is_file():
        raise FileMissingError(_("Cannot read {path}: there is no such file.", path=str(path)))


def _read_csv(path: Path, caps: limits.Caps) -> list[list[str]]:
    if path.stat().st_size > caps.csv_bytes:
        raise _too_large(path, caps.csv_bytes)
    reader = csv.reader(io.StringIO(decode_text(path.name, path.read_bytes())))
    rows: list[list[str]] = []
    try:
        return _checked_rows(path.name, caps, ([cell.strip() for cell in row] for row in reader), rows)
    except csv.Error:  # e.g. a cell past the csv module's own 131,072 characters
        raise SpreadsheetError(_("{name}: row {row} has a cell longer than {limit} characters, or is not valid "
                                 "CSV.", name=path.name, row=len(rows) + 1, limit=limits.MAX_CELL_CHARS)) from None


def _checked_rows(name: str, caps: limits.Caps, source: Iterable[list[str]],
                  rows: list[list[str]] | None = None) -> list[list[str]]:
    """Collect rows into `rows`, refusing too many rows or too long a cell."""
    rows = [] if rows is None else rows
    for row in source:
        if len(rows) > caps.rows:  # the header and `caps.rows` rows are read
            raise _too_many_rows(name, caps)
        if any(len(cell) > limits.MAX_CELL_CHARS for cell in row):
            raise SpreadsheetError(_("{name}: row {row} has a cell longer than {limit} characters.",
                                     name=name, row=len(rows) + 1, limit=limits.MAX_CELL_CHARS))
        while row and not row[-1]:
            row.pop()  # XLSX rows come padded to the widest column
        rows.append(row)
    return rows


def _too_many_rows(name: str, caps: limits.Caps) -> SpreadsheetError:
    return SpreadsheetError(_("{name} has more than {limit} rows. Split it into smaller files.",
                              name=name, limit=caps.rows))


def _check_unpacked_size(path: Path, caps: limits.Caps) -> None:
    """Refuse a zip bomb from its directory: the sizes it declares are the most zipfile will unpack."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile):
        raise _unreadable(path) from None
    unpacked = sum(entry.file_size for entry in entries)
    if len(entries) > limits.MAX_ZIP_ENTRIES or unpacked > caps.unpacked_bytes:
        raise _too_large(path, caps.unpacked_bytes)


def _too_large(path: Path, limit: int) -> SpreadsheetError:
    return SpreadsheetError(_("{name} is too large (more than {limit} MB of data). Split it into smaller files.",
                              name=path.name, limit=limit // (1024 * 1024)))


def _unreadable(path: Path) -> SpreadsheetError:
    return SpreadsheetError(_("{name} is not a readable XLSX file. Open it in Excel and save it again.",
                              name=path.name))


def _cell_text(value: Any) -> str:
    if type(value) is str:  # nearly every cell: skip the checks below
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # phone numbers typed as numbers
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value).strip()
