"""Why a file cannot be read: a translatable message naming the file and, where it helps, the row."""

from __future__ import annotations

from handlers.texts import Text


class SpreadsheetError(Exception):
    """The file cannot be read as a table; `text` says why, in the reader's language."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.msgid.format(**text.kwargs()))
        self.text = text


class FileMissingError(SpreadsheetError):
    """The named file does not exist: a bad argument rather than bad data."""
