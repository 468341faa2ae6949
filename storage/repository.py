"""The base of every repository: a connection in a transaction, and portable upsert helpers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import CursorResult, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


class Repository:
    """Queries over one connection; the caller owns the transaction."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def _insert_ignore(self, table: Table, values: Mapping[str, Any]) -> bool:
        """Insert unless a unique key already exists; return whether a row was inserted."""
        result = await self._db.execute(self._insert_or_skip(table).values(**values))
        return bool(result.rowcount)

    def _insert_or_skip(self, table: Table) -> Any:
        """Return an INSERT that skips rows whose unique key exists, in this database's dialect."""
        return self._upsert(table).on_conflict_do_nothing()

    def _upsert(self, table: Table) -> Any:
        """Return this database's INSERT, which takes ON CONFLICT clauses (both dialects spell them alike)."""
        module = postgresql if self._db.dialect.name == "postgresql" else sqlite
        return module.insert(table)


def new_id(result: CursorResult[Any]) -> int:
    """Return the primary key of the row an INSERT just created."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])
