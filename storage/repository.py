"""The base of every repository: a connection in a transaction, and portable upsert helpers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
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

    def _prepared(self, name: str, build: Callable[[], Any]) -> Any:
        """Return the statement `build` makes, built once per dialect.

        For statements that run on every update: building a statement and its cache key costs
        SQLAlchemy far more than running it on SQLite, and a built one is reused as it is (its
        values are bound parameters, given at execution).
        """
        key = (name, self._db.dialect.name)
        statement = _PREPARED.get(key)
        if statement is None:
            statement = _PREPARED[key] = build()
        return statement

    def _upsert(self, table: Table) -> Any:
        """Return this database's INSERT, which takes ON CONFLICT clauses (both dialects spell them alike)."""
        module = postgresql if self._db.dialect.name == "postgresql" else sqlite
        return module.insert(table)


_PREPARED: dict[tuple[str, str], Any] = {}


def new_id(result: CursorResult[Any]) -> int:
    """Return the primary key of the row an INSERT just created."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])
