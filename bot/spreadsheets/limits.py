"""How much of a file we read: enough for a town's roster, far short of what exhausts the machine.

A village has about 1,000 households (3,000 people); a town's roster of twenty villages fits in
`MAX_ROWS`. The unpacked-size cap is checked from the zip directory before openpyxl reads
anything: a 1 MB XLSX can unpack to gigabytes.
"""

from __future__ import annotations

MAX_ROWS = 50_000  # besides the header row
MAX_COLUMNS = 100  # columns past this are not read; no import format has more than a few dozen
MAX_CELL_CHARS = 5_000
MAX_CSV_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 32 * 1024 * 1024  # a 50,000-row roster unpacks to about 15 MB
MAX_ZIP_ENTRIES = 1_000
