"""The demo's care list: 张阿婆 due for a visit, someone overdue, past visits and a patrol."""

from __future__ import annotations

from datetime import timedelta

from bot.demo.seed_care import seed_care
from storage.database import Database
from tests.factories import load_roster, person_by_phone
from village.clock import ManualClock
from village.people import Actor
from village.services import Services
from village.settings import VillageSettings


async def test_the_demo_care_list_has_visits_due_and_overdue(database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)
    async with database.transaction() as store:
        listed = await seed_care(store, clock.now(), VillageSettings())
    person = await person_by_phone(database, "13800000006")
    worker = Actor.of(person)

    async with database.transaction() as store:
        services = Services(store, clock, VillageSettings())
        due = await services.care.due(worker)
        overdue = await services.care.overdue(clock.now())
        start = clock.now() - timedelta(days=40)
        visits = await store.care.visits_between(person.village_id, start, clock.now())

    assert listed == 4
    assert "张阿婆" in [e.person.name for e in due]
    assert len(overdue) == 1
    assert len(visits) == 4
