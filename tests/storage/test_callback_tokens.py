"""Long button payloads kept under a short id: found until they expire, then purged."""

from __future__ import annotations

from datetime import timedelta

from storage.database import Database
from village.clock import ManualClock

LONG = "rp:acc:" + "9" * 200


async def test_an_issued_payload_is_found_by_its_id_until_it_expires(database: Database, clock: ManualClock) -> None:
    now = clock.now()
    async with database.transaction() as store:
        token_id = await store.callback_tokens.issue(LONG, now + timedelta(days=30))

    async with database.transaction() as store:
        fresh = await store.callback_tokens.payload(token_id, now + timedelta(days=29))
        expired = await store.callback_tokens.payload(token_id, now + timedelta(days=30))
        unknown = await store.callback_tokens.payload(token_id + 1, now)

    assert (fresh, expired, unknown) == (LONG, None, None)


async def test_purging_forgets_only_expired_payloads(database: Database, clock: ManualClock) -> None:
    now = clock.now()
    async with database.transaction() as store:
        old = await store.callback_tokens.issue("old:" + LONG, now + timedelta(days=1))
        new = await store.callback_tokens.issue("new:" + LONG, now + timedelta(days=30))

    async with database.transaction() as store:
        purged = await store.callback_tokens.purge(now + timedelta(days=2))
    async with database.transaction() as store:
        kept = await store.callback_tokens.payload(new, now)
        gone = await store.callback_tokens.payload(old, now)

    assert (purged, kept, gone) == (1, "new:" + LONG, None)
