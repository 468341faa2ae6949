"""Reading and writing tables as CSV or XLSX, the formats a village office uses.

Reading refuses what it cannot take whole (an unknown encoding, a cell, row count or unpacked
size past `limits`), naming the row; writing neutralises every cell a spreadsheet program would
run as a formula.
"""

from bot.spreadsheets.cells import export_cell
from bot.spreadsheets.errors import FileMissingError, SpreadsheetError
from bot.spreadsheets.reading import read_sheet, read_table
from bot.spreadsheets.writing import write_csv, write_table

__all__ = [
    "FileMissingError",
    "SpreadsheetError",
    "export_cell",
    "read_sheet",
    "read_table",
    "write_csv",
    "write_table",
]
