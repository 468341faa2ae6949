"""Reading tables: the first sheet of an XLSX file, or a CSV file, every cell as text, within `limits`."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Collection, Iterable
from contextlib import closing
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from bot.spreadsheets import limits
from bot.spreadsheets.encodings import decode_text
from bot.spreadsheets.errors import FileMissingError, SpreadsheetError
from handlers.texts import _

XLSX_SUFFIXES = (".xlsx", ".xlsm")


def read_table(path: Path) -> list[list[str]]:
    """Return the rows of the first sheet (XLSX) or of the CSV file, every cell as stripped text.

    Raises:
        FileMissingError: there is no such file.
        SpreadsheetError: the file cannot be read whole; the message names the row where it helps.
    """
    suffix = path.suffix.lower()
    _check_exists(path)
    try:
        if suffix == ".csv":
            return _read_csv(path)
        if suffix in XLSX_SUFFIXES:
            return read_sheet(path)
    except OSError:
        raise SpreadsheetError(_("Cannot read {path}.", path=str(path))) from None
    raise SpreadsheetError(_("{name}: use a .csv or .xlsx file.", name=path.name))


def read_sheet(path: Path, names: Collection[str] | None = None) -> list[list[str]]:
    """Return the rows of an XLSX file's first sheet, or of the first sheet named one of `names` (else none)."""
    _check_exists(path)
    _check_unpacked_size(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged file
        raise _unreadable(path) from None
    try:
        sheets = [s for s in workbook.worksheets if names is None or s.title.strip().lower() in names]
        if not sheets:
            return []
        rows = sheets[0].iter_rows(max_row=limits.MAX_ROWS + 2, max_col=limits.MAX_COLUMNS, values_only=True)
        with closing(rows):  # a refusal midway must still close the sheet's stream in the zip
            return _checked_rows(path.name, ([_cell_text(value) for value in row] for row in rows))
    except SpreadsheetError:
        raise
    except Exception:  # a damaged sheet only shows while its rows are parsed
        raise _unreadable(path) from None
    finally:
        workbook.close()


def _check_exists(path: Path) -> None:
    if not path.is_file():
        raise FileMissingError(_("Cannot read {path}: there is no such file.", path=str(path)))


def _read_csv(path: Path) -> list[list[str]]:
    if path.stat().st_size > limits.MAX_CSV_BYTES:
        raise _too_large(path, limits.MAX_CSV_BYTES)
    reader = csv.reader(io.StringIO(decode_text(path.name, path.read_bytes())))
    rows: list[list[str]] = []
    try:
        return _checked_rows(path.name, ([cell.strip() for cell in row] for row in reader), rows)
    except csv.Error:  # e.g. a cell past the csv module's own 131,072 characters
        raise SpreadsheetError(_("{name}: row {row} has a cell longer than {limit} characters, or is not valid "
                                 "CSV.", name=path.name, row=len(rows) + 1, limit=limits.MAX_CELL_CHARS)) from None


def _checked_rows(name: str, source: Iterable[list[str]], rows: list[list[str]] | None = None) -> list[list[str]]:
    """Collect rows into `rows`, refusing too many rows or too long a cell."""
    rows = [] if rows is None else rows
    for row in source:
        if len(rows) > limits.MAX_ROWS:  # the header and MAX_ROWS rows are read
            raise SpreadsheetError(_("{name} has more than {limit} rows. Split it into smaller files.",
                                     name=name, limit=limits.MAX_ROWS))
        if any(len(cell) > limits.MAX_CELL_CHARS for cell in row):
            raise SpreadsheetError(_("{name}: row {row} has a cell longer than {limit} characters.",
                                     name=name, row=len(rows) + 1, limit=limits.MAX_CELL_CHARS))
        while row and not row[-1]:
            row.pop()  # XLSX rows come padded to the widest column
        rows.append(row)
    return rows


def _check_unpacked_size(path: Path) -> None:
    """Refuse a zip bomb from its directory: the sizes it declares are the most zipfile will unpack."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile):
        raise _unreadable(path) from None
    unpacked = sum(entry.file_size for entry in entries)
    if len(entries) > limits.MAX_ZIP_ENTRIES or unpacked > limits.MAX_UNPACKED_BYTES:
        raise _too_large(path, limits.MAX_UNPACKED_BYTES)


def _too_large(path: Path, limit: int) -> SpreadsheetError:
    return SpreadsheetError(_("{name} is too large (more than {limit} MB of data). Split it into smaller files.",
                              name=path.name, limit=limit // (1024 * 1024)))


def _unreadable(path: Path) -> SpreadsheetError:
    return SpreadsheetError(_("{name} is not a readable XLSX file. Open it in Excel and save it again.",
                              name=path.name))


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # phone numbers typed as numbers
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()
