"""How much of a file we read: enough for a town's data (a district's roster), far short of what exhausts the machine.

A village has about 1,000 households (3,000 people); a town's twenty villages fit in `MAX_ROWS`,
and a district's roster in `DISTRICT_ROWS`. The unpacked-size cap is checked from the zip directory
before the workbook is opened: a 1 MB XLSX can unpack to gigabytes.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_ROWS = 50_000  # besides the header row
MAX_COLUMNS = 100  # columns past this are not read; no import format has more than a few dozen
MAX_CELL_CHARS = 5_000
MAX_CSV_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 32 * 1024 * 1024  # a 50,000-row roster unpacks to about 15 MB
MAX_ZIP_ENTRIES = 1_000


@dataclass(frozen=True)
class Caps:
    """How much one kind of file may hold: rows besides the header, CSV bytes, unpacked XLSX bytes."""

    rows: int
    csv_bytes: int
    unpacked_bytes: int


def town() -> Caps:
    """Every import but the roster's: read now, so a test may lower a limit."""
    return Caps(MAX_ROWS, MAX_CSV_BYTES, MAX_UNPACKED_BYTES)


# A district's roster in one file (issue 11: 300,000 people in under 60 s and 1 GB; bench/roster.py measures it).
# Chongming's 690,000 go in two files, by town. An XLSX saved with inline strings unpacks to about 450 bytes a row.
DISTRICT_ROWS = 400_000
DISTRICT_CSV_BYTES = 64 * 1024 * 1024
DISTRICT_UNPACKED_BYTES = 256 * 1024 * 1024


def district() -> Caps:
    """The roster's limits."""
    return Caps(DISTRICT_ROWS, DISTRICT_CSV_BYTES, DISTRICT_UNPACKED_BYTES)
