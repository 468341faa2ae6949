"""The roster import on both databases: a district's many villages in one import."""

from __future__ import annotations

from storage.database import Database
from tests.factories import load_roster
from village.clock import ManualClock

DISTRICT = [[f"D{n:03}", f"村{n}", "一网格", "一组", "1", f"村民{n}", f"137{n:08}", ""] for n in range(40)]


async def test_an_import_of_forty_villages_is_written_and_audited(database: Database, clock: ManualClock) -> None:
    summary = await load_roster(database, clock, DISTRICT)

    async with database.transaction() as store:
        villages = await store.places.villages()
        entries = await store.audit.entries(None, None)

    assert (summary.villages, summary.added) == (40, 40)
    assert len(villages) == 40
    assert [(e.action, e.target) for e in entries] == [("roster.import", "40 villages")]
