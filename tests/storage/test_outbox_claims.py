"""Claiming the outbox: two dispatchers at once on PostgreSQL never take the same message, nor wait.

A claim locks the candidates it reads (FOR UPDATE SKIP LOCKED), so a second dispatcher during those few
milliseconds skips them and finds the rest, or nothing, on its next turn.
"""

from __future__ import annotations

import asyncio

import pytest

from storage.database import Database
from tests.storage.test_notice_storage import identities
from village.clock import ManualClock
from village.outbox import MessageKind, NewMessage


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_two_dispatchers_claiming_at_once_take_different_messages(database: Database,
                                                                        clock: ManualClock) -> None:
    ids = await identities(database, clock, 8)
    async with database.transaction() as store:
        await store.outbox.add_many([NewMessage(f"m:{i}", i, {"text": "x"}, kind=MessageKind.NOTICE_BROADCAST)
                                     for i in ids], clock.now())

    async with database.transaction() as one:
        first = await one.outbox.claim(clock.now(), 4)
        async with database.transaction() as two:  # while the first has not committed
            second = await asyncio.wait_for(two.outbox.claim(clock.now(), 4), timeout=10)
    async with database.transaction() as three:
        third = await three.outbox.claim(clock.now(), 8)

    claimed = [m.id for m in [*first, *second, *third]]
    assert len(first) == 4
    assert sorted(claimed) == sorted(set(claimed))
    assert len(claimed) == len(ids)
