"""Migration 0009: rows queued and reports filed before it get a kind, traits and a datum."""

from __future__ import annotations

from sqlalchemy import insert, select

from storage.database import Database
from storage.migrate import head_revision, upgrade
from storage.tables import outbox, reports
from tests.factories import bind_telegram, load_roster, person_by_phone
from village.clock import ManualClock


async def fill_before_0009(url: str, clock: ManualClock) -> None:
    """Queue one message and file one located and one unlocated report on a database at 0008."""
    await upgrade(url, "0008")
    database = Database.open(url)
    await load_roster(database, clock)
    identity_id = await bind_telegram(database, clock, "13800000001", 1001)
    alice = await person_by_phone(database, "13800000001")
    now = clock.now()
    report = {"village_id": alice.village_id, "month": "2611", "category": "其他", "text": "井盖丢了",
              "status": "submitted", "reporter_id": alice.id, "filed_by_id": alice.id, "anonymous": False,
              "address": "", "created_at": now, "accept_due_at": now, "resolution_note": "", "reopened": 0}
    async with database.transaction() as store:
        await store.connection.execute(insert(outbox).values(
            key="old", identity_id=identity_id, payload={"text": "x"}, priority=5, status="pending",
            not_before=now, attempts=0, resent=False, created_at=now))
        await store.connection.execute(insert(reports).values(
            seq=1, code="FX01-2611-0001", latitude=30.92, longitude=121.47, **report))
        await store.connection.execute(insert(reports).values(seq=2, code="FX01-2611-0002", **report))
    await database.close()


async def test_rows_from_before_0009_are_unclassified_important_and_not_resent(empty_db_url: str,
                                                                               clock: ManualClock) -> None:
    await fill_before_0009(empty_db_url, clock)

    assert await upgrade(empty_db_url) == head_revision()

    database = Database.open(empty_db_url)
    async with database.connection() as connection:
        row = (await connection.execute(select(outbox.c.kind, outbox.c.important, outbox.c.resend_safe))).one()
        datums = (await connection.execute(select(reports.c.code, reports.c.datum).order_by(reports.c.id))).all()
    await database.close()
    assert tuple(row) == ("unclassified", True, False)
    assert [tuple(d) for d in datums] == [("FX01-2611-0001", "wgs84"), ("FX01-2611-0002", None)]
