"""Migration 0004 creates exactly the consultation tables that storage/tables.py declares."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from storage.database import Database
from storage.tables import metadata

CONSULTATION = {"topics", "topic_supports", "meetings", "meeting_signups", "meeting_attendance", "matters",
                "matter_stages", "matter_stage_attendees"}


async def test_the_migrated_schema_matches_the_tables(database: Database) -> None:
    def differences(sync: Any) -> list[Any]:
        return list(compare_metadata(MigrationContext.configure(sync, opts={"compare_type": True}), metadata))

    async with database.connection() as connection:
        diff = await connection.run_sync(differences)
        tables = set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))

    assert tables >= CONSULTATION
    assert diff == []
