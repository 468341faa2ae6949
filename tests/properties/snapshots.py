"""Every row of the database, read between two events, and the changes between two readings.

Read with the standard library's sqlite3 beside the engine's own connection: a plain, independent
look at what was committed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storage.tables import metadata

Row = dict[str, Any]
Rows = dict[tuple[Any, ...], Row]


@dataclass(frozen=True)
class Snapshot:
    """The committed rows of every table, by primary key."""

    tables: dict[str, Rows]

    def rows(self, table: str) -> Rows:
        """Return one table's rows."""
        return self.tables[table]


def read(path: Path) -> Snapshot:
    """Read every table of the database at `path`."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    try:
        return Snapshot({table.name: _rows(connection, table.name, [c.name for c in table.primary_key.columns])
                         for table in metadata.sorted_tables})
    finally:
        connection.close()


def _rows(connection: sqlite3.Connection, table: str, key: list[str]) -> Rows:
    found = connection.execute(f'SELECT * FROM "{table}"').fetchall()
    return {tuple(row[k] for k in key): dict(row) for row in found}


@dataclass(frozen=True)
class Change:
    """A row added, removed or changed in a table (`before`/`after` None when absent)."""

    table: str
    before: Row | None
    after: Row | None

    @property
    def row(self) -> Row:
        """Return the row as it is now, or as it was when removed."""
        found = self.after if self.after is not None else self.before
        assert found is not None
        return found

    def __str__(self) -> str:
        return f"{self.table}: {self.before} -> {self.after}"


def changes(before: Snapshot, after: Snapshot) -> Iterator[Change]:
    """Yield every row that differs between two snapshots."""
    for table, old in before.tables.items():
        new = after.tables[table]
        for key in old.keys() | new.keys():
            if old.get(key) != new.get(key):
                yield Change(table, old.get(key), new.get(key))
