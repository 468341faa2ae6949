"""One leader at a time: a standby takes over when the leader's session ends, and a lost session stops leading."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from bot.leadership import LOCK_KEY, Leadership
from storage.database import Database

# Also each check's timeout: 50 ms was too tight for a loaded machine (two test processes on two cores), where a
# slow answer made a leader step down and win again in the middle of a test.
RETRY = 0.3


class Candidate:
    """A leadership candidate that notes when it leads (in `timeline` too, when given one: who, what)."""

    def __init__(self, url: str, *, retry: float = RETRY, grace: float | None = None,
                 timeline: list[tuple[object, str]] | None = None) -> None:
        self.events: list[str] = []
        self.timeline = timeline if timeline is not None else []
        self._changed = asyncio.Condition()
        self.lease = Leadership(url, on_gained=self._gained, on_lost=self._lost, retry_seconds=retry,
                                grace_seconds=grace)

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
            self.timeline.append((self, event))
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
    try:
        await _end_the_leaders_session(db_url)
        await leader.until("gained", "lost", "gained")  # it lost, then won again
    finally:
        await leader.lease.stop()


async def _end_the_leaders_session(db_url: str) -> None:
    """End the session holding the lock, as a network failure or a DBA would: this test's database's leader
    only (the server is shared: other tests' and benchmarks' leaders must keep their sessions)."""
    database = Database.open(db_url)
    try:
        async with database.transaction() as store:
            await store.connection.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                "AND classid = :high AND objid = :low AND objsubid = 1"),
                {"high": LOCK_KEY >> 32, "low": LOCK_KEY & 0xFFFFFFFF})
    finally:
        await database.close()


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_a_standby_leads_only_after_a_former_leader_has_stepped_down(db_url: str) -> None:
    # The leader checks its session every 0.5 s; the standby, winning the lock the moment the session ends,
    # must not lead before the leader has noticed (its grace covers one check and its timeout).
    timeline: list[tuple[object, str]] = []
    leader = Candidate(db_url, retry=0.5, timeline=timeline)
    standby = Candidate(db_url, retry=RETRY, grace=1.2, timeline=timeline)
    await leader.lease.start()
    await standby.lease.start()
    try:
        await _end_the_leaders_session(db_url)
        await standby.until("gained")

        assert timeline == [(leader, "gained"), (leader, "lost"), (standby, "gained")]
    finally:
        await standby.lease.stop()
        await leader.lease.stop()


class Unanswering(Candidate):
    """A leader whose checks get no answer within the interval, as over a hung network."""

    def __init__(self, url: str) -> None:
        super().__init__(url, retry=0.2)

    def hang(self) -> None:
        self.lease.probe = "SELECT pg_sleep(3)"


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_a_leader_whose_check_hangs_steps_down(db_url: str) -> None:
    leader = Unanswering(db_url)
    await leader.lease.start()
    try:
        leader.hang()
        await leader.until("gained", "lost", within=2)  # the server may have ended its session: not leading
    finally:
        await leader.lease.stop()


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_ending_one_databases_leader_leaves_another_databases_leader_alone(
        db_url: str, empty_db_url: str) -> None:
    # The test helper above must be as narrow as a DBA: a shared server's other leaders (a benchmark's) stay.
    # The bystander's session is watched on the server (its checks, at a production pace, need not run).
    leader, bystander = Candidate(db_url), Candidate(empty_db_url, retry=2.0)
    await leader.lease.start()
    await bystander.lease.start()
    try:
        before = await _lock_holder(empty_db_url)
        await _end_the_leaders_session(db_url)
        await leader.until("gained", "lost", "gained")

        assert before is not None
        assert await _lock_holder(empty_db_url) == before
        assert bystander.events == ["gained"]
    finally:
        await bystander.lease.stop()
        await leader.lease.stop()


async def _lock_holder(db_url: str) -> int | None:
    """Return the server process of the session holding this database's leader lock, if any."""
    database = Database.open(db_url)
    try:
        async with database.transaction() as store:
            return (await store.connection.execute(text(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                "AND classid = :high AND objid = :low AND objsubid = 1"),
                {"high": LOCK_KEY >> 32, "low": LOCK_KEY & 0xFFFFFFFF})).scalar()
    finally:
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
