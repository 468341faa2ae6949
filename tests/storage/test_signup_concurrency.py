"""The last seat under fire: many sign-ups at once, each in its own transaction and connection."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import event, insert, select
from sqlalchemy.exc import IntegrityError

from storage.database import Database
from storage.tables import meeting_signups
from tests.conftest import START
from tests.consultation import SECRETARY, load_people, plan, services
from village.clock import ManualClock
from village.consultation.meetings import Meeting
from village.consultation.signups import SignUpStatus
from village.people import Actor, PersonFields
from village.services import Services
from village.settings import VillageSettings

CROWD = 24
CAPACITY = 5


async def crowd_and_meeting(database: Database, clock: ManualClock) -> tuple[Meeting, list[Actor]]:
    """Return a published meeting with one seat left and CROWD villagers who have not signed up."""
    people = await load_people(database, clock)
    secretary = people[SECRETARY]
    village_id = secretary.person.village_id  # type: ignore[union-attr]
    async with services(database, clock) as village:
        meeting = await village.meetings.create(secretary, village_id, plan(capacity=CAPACITY))
        await village.meetings.publish(secretary, meeting.id)
        ids = [await village.store.people.add(PersonFields(village_id, f"村民{n}", None, None, None, None))
               for n in range(CROWD + CAPACITY - 1)]
        crowd = [Actor.of(p) for p in [await village.store.people.get(i) for i in ids] if p is not None]
        for early in crowd[:CAPACITY - 1]:
            await village.signups.sign_up(early, meeting.id)
    return meeting, crowd[CAPACITY - 1:]


async def sign_up_alone(database: Database, clock: ManualClock, actor: Actor, meeting_id: int) -> SignUpStatus:
    async with database.transaction() as store:
        return (await Services(store, clock, VillageSettings()).signups.sign_up(actor, meeting_id)).status


async def test_many_sign_ups_for_the_last_seat_never_overbook(database: Database, clock: ManualClock) -> None:
    meeting, crowd = await crowd_and_meeting(database, clock)

    results = await asyncio.gather(*(sign_up_alone(database, clock, a, meeting.id) for a in crowd))
    async with database.transaction() as store:
        signups = await store.signups.of_meeting(meeting.id)

    seated = [s for s in signups if s.status is SignUpStatus.CONFIRMED]
    assert results.count(SignUpStatus.CONFIRMED) == 1
    assert results.count(SignUpStatus.WAITLISTED) == CROWD - 1
    assert sorted(s.seat for s in seated) == list(range(1, CAPACITY + 1))  # type: ignore[type-var]


async def test_the_repository_alone_never_overbooks_either(database: Database, clock: ManualClock) -> None:
    meeting, crowd = await crowd_and_meeting(database, clock)

    async def take(actor: Actor) -> SignUpStatus:
        async with database.transaction() as store:
            return (await store.signups.take(meeting.id, actor.person_id or 0, START)).status

    results = await asyncio.gather(*(take(a) for a in crowd))

    assert results.count(SignUpStatus.CONFIRMED) == 1
    assert len(results) == CROWD


async def test_the_database_refuses_a_second_holder_of_a_seat(database: Database, clock: ManualClock) -> None:
    meeting, crowd = await crowd_and_meeting(database, clock)
    row = {"meeting_id": meeting.id, "status": "confirmed", "seat": 1, "queued_at": START}

    with pytest.raises(IntegrityError):
        async with database.transaction() as store:
            await store.connection.execute(insert(meeting_signups).values(person_id=crowd[0].person_id, **row))
    with pytest.raises(IntegrityError):
        async with database.transaction() as store:
            await store.connection.execute(insert(meeting_signups).values(
                person_id=crowd[0].person_id, **{**row, "seat": None}))


async def test_a_freed_seat_goes_to_one_waiting_person_even_when_cancellations_race(database: Database,
                                                                                     clock: ManualClock) -> None:
    meeting, crowd = await crowd_and_meeting(database, clock)
    for actor in crowd[:3]:
        clock.advance(timedelta(seconds=1))
        await sign_up_alone(database, clock, actor, meeting.id)

    async def cancel(actor: Actor) -> None:
        async with services(database, clock) as village:
            await village.signups.cancel(actor, meeting.id)

    await asyncio.gather(cancel(crowd[0]), cancel(crowd[1]))
    async with database.transaction() as store:
        rows = (await store.connection.execute(select(meeting_signups.c.person_id, meeting_signups.c.status).where(
            meeting_signups.c.meeting_id == meeting.id))).fetchall()

    confirmed = [r.person_id for r in rows if r.status == "confirmed"]
    assert len(confirmed) == CAPACITY
    assert crowd[2].person_id in confirmed


async def test_a_sign_up_is_written_and_returned_by_one_statement_without_a_savepoint(
        database: Database, clock: ManualClock, backend: str) -> None:
    meeting, crowd = await crowd_and_meeting(database, clock)
    statements: list[str] = []
    event.listen(database.engine.sync_engine, "before_cursor_execute",
                 lambda *a: None if str(a[2]).startswith("BEGIN") else statements.append(str(a[2])))

    async with database.transaction() as store:
        seated = await store.signups.take(meeting.id, crowd[0].person_id or 0, START)
        waiting = await store.signups.take(meeting.id, crowd[1].person_id or 0, START)
        again = await store.signups.take(meeting.id, crowd[0].person_id or 0, START)

    assert (seated.status, seated.seat, seated.person_id) == (SignUpStatus.CONFIRMED, CAPACITY, crowd[0].person_id)
    assert (waiting.status, waiting.seat) == (SignUpStatus.WAITLISTED, None)
    assert again == seated
    # PostgreSQL locks the meeting first; the one already signed up is read back after an INSERT that wrote nothing
    assert len(statements) == (2 + 2 + 3 if backend == "postgresql" else 1 + 1 + 2), statements
    assert not any("SAVEPOINT" in s for s in statements)


async def test_a_meeting_read_twice_in_a_transaction_is_read_once_until_it_changes(
        database: Database, clock: ManualClock) -> None:
    meeting, _crowd = await crowd_and_meeting(database, clock)
    statements: list[str] = []
    event.listen(database.engine.sync_engine, "before_cursor_execute", lambda *a: statements.append(str(a[2])))

    async with database.transaction() as store:
        first = await store.meetings.get(meeting.id)
        again = await store.meetings.get(meeting.id)
        await store.meetings.set_capacity(meeting.id, CAPACITY + 3)
        changed = await store.meetings.get(meeting.id)

    assert first == again
    assert first is not None
    assert changed is not None
    assert (first.capacity, changed.capacity) == (CAPACITY, CAPACITY + 3)
    assert len([s for s in statements if s.startswith("SELECT meetings")]) == 2
