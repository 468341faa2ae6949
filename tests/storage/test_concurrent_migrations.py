"""Workers starting together: one migrates, the others wait for it and find the schema at head."""

from __future__ import annotations

import asyncio

from storage.migrate import current_revision, head_revision, upgrade


async def test_two_workers_upgrading_an_empty_database_at_once_both_reach_head(
        backend: str, empty_db_url: str) -> None:
    revisions = await asyncio.gather(upgrade(empty_db_url), upgrade(empty_db_url), upgrade(empty_db_url))

    assert revisions == [head_revision()] * 3
    assert await current_revision(empty_db_url) == head_revision()
