"""One rule for every exported cell: text a spreadsheet would run as a formula is kept as text."""

from __future__ import annotations

import re

# OWASP's CSV-injection rule: Excel, WPS and LibreOffice start a formula at any of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A signed number such as a phone in E.164 form (+8613800000001) or -5 runs nothing: keep it as it is,
# so phones stay exactly as stored and a re-import of the export matches them.
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def export_cell(value: object) -> object:
    """Return `value` safe to open in a spreadsheet: formula-looking text gets a leading single quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value
