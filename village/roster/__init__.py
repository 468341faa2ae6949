"""The roster: who lives where and holds which role, imported from a spreadsheet.

Every row is validated before anything is written; one bad row rejects the file,
with the row number and reason for each bad row. Re-importing updates people
(matched by phone, else by household and name) and never duplicates them.
"""

from village.roster.rows import ImportSummary, RosterRow, parse_rows
from village.roster.service import RosterService

__all__ = ["ImportSummary", "RosterRow", "RosterService", "parse_rows"]
