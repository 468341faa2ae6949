"""One leader at a time: a standby takes over when the leader's session ends, and a lost session stops leading."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from bot.leadership import Leadership
from storage.database import Database

RETRY = 0.05


class Candidate:
    """A leadership candidate that notes when it leads."""

    def __init__(self, url: str) -> None:
        self.events: list[str] = []
        self._changed = asyncio.Condition()
        self.lease = Leadership(url, on_gained=self._gained, on_lost=self._lost, retry_seconds=RETRY)

    async def until(self, *events: str, within: float = 5) -> None:
        """Wait until the candidate has gone through `events`."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: self.events == list(events)), within)

    async def _gained(self) -> None:
        await self._note("gained")

    async def _lost(self) -> None:
        await self._note("lost")

    async def _note(self, event: str) -> None:
        async with self._changed:
            self.events.append(event)
            self._changed.notify_all()


async def test_sqlite_has_one_process_that_always_leads(db_url: str) -> None:
    alone = Candidate(db_url)
    await alone.lease.start()
    await alone.lease.stop()

    assert alone.events == ["gained", "lost"]


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_a_standby_takes_over_when_the_leader_stops(db_url: str) -> None:
    leader, standby = Candidate(db_url), Candidate(db_url)
    await leader.lease.start()
    await standby.lease.start()
    await asyncio.sleep(RETRY * 4)
    assert (leader.lease.leading, standby.lease.leading) == (True, False)

    await leader.lease.stop()
    await standby.until("gained")
    await standby.lease.stop()

    assert leader.events == ["gained", "lost"]
    assert standby.events == ["gained", "lost"]


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_losing_the_lock_connection_stops_leading(db_url: str) -> None:
    leader = Candidate(db_url)
    await leader.lease.start()
    database = Database.open(db_url)
    try:
        async with database.transaction() as store:  # as a network failure or a DBA would end the session
            await store.connection.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted"))
        await leader.until("gained", "lost", "gained")  # it lost, then won again
    finally:
        await leader.lease.stop()
        await database.close()


class FailsFirst(Candidate):
    """A candidate whose first start of the leader's part fails (say, a catch-up job raised)."""

    async def _gained(self) -> None:
        await super()._gained()
        if self.events.count("gained") == 1:
            raise RuntimeError("catch-up failed")


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_a_standby_whose_takeover_fails_lets_go_and_tries_again(db_url: str) -> None:
    leader, standby = Candidate(db_url), FailsFirst(db_url)
    await leader.lease.start()
    await standby.lease.start()

    await leader.lease.stop()
    await standby.until("gained", "lost", "gained")
    await standby.lease.stop()
