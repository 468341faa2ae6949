"""A scheduled slot is claimed once, however many processes try at the same moment."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from storage.database import Database
from tests.conftest import SHANGHAI

SLOT = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)


async def claim(database: Database, at: datetime, *, pause: float = 0) -> bool:
    async with database.transaction() as store:
        claimed = await store.job_runs.claim_slot("monthly_digest", at, SLOT)
        await asyncio.sleep(pause)  # the job's work, while the other claimant waits on the key
        return claimed


async def test_concurrent_claims_of_one_slot_let_one_through(database: Database) -> None:
    results = await asyncio.gather(*(claim(database, SLOT, pause=0.05) for _ in range(4)))

    assert sorted(results) == [False, False, False, True]


async def test_a_rolled_back_claim_leaves_the_slot_free(database: Database) -> None:
    try:
        async with database.transaction() as store:
            await store.job_runs.claim_slot("monthly_digest", SLOT, SLOT)
            raise RuntimeError("the job failed")
    except RuntimeError:
        pass

    assert await claim(database, SLOT)
    assert await claim(database, SLOT + timedelta(days=31))
    assert not await claim(database, SLOT)
