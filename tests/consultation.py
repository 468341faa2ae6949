"""Helpers for consultation tests: services in one transaction, people as actors, a meeting plan."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from storage.database import Database
from tests.conftest import START
from tests.factories import load_roster, person_by_phone
from village.clock import Clock, ManualClock
from village.consultation.levels import MeetingLevel, VenueType
from village.consultation.meetings import Meeting, MeetingPlan
from village.errors import ErrorCode, VillageError
from village.people import Actor
from village.services import Services
from village.settings import VillageSettings

# Phones of the test roster (tests/factories.py).
ALICE, MING, WANG, ZHAO, QIAN, SUN, SECRETARY, DIRECTOR, SUPERVISOR = (
    "13800000001", "13800000002", "13800000003", "13800000004", "13800000005", "13800000006", "13800000009",
    "13800000010", "13800000011")
CM_RESIDENT, CM_SECRETARY = "13900000001", "13900000009"

MEETING_START = (START + timedelta(days=3)).replace(hour=14)  # Thursday 14:00 in Shanghai


@asynccontextmanager
async def services(database: Database, clock: Clock, settings: VillageSettings | None = None,
                   ) -> AsyncIterator[Services]:
    """Yield services over one transaction that commits at the end."""
    async with database.transaction() as store:
        yield Services(store, clock, settings or VillageSettings())


async def actor(database: Database, phone: str) -> Actor:
    """Return the roster person with this phone as an actor."""
    return Actor.of(await person_by_phone(database, phone))


def plan(**changes: object) -> MeetingPlan:
    """Return a village meeting on Thursday 14:00-16:00, 10 seats, sign-up until the day before."""
    base = MeetingPlan(level=MeetingLevel.VILLAGE, group_id=None, title="村道修缮议事会",
                       venue_type=VenueType.NEIGHBOUR_HALL, venue_name="村委会睦邻四堂间",
                       starts_at=MEETING_START, ends_at=MEETING_START + timedelta(hours=2),
                       signup_deadline=MEETING_START - timedelta(days=1), capacity=10)
    return replace(base, **changes)  # type: ignore[arg-type]


async def published_meeting(database: Database, clock: Clock, *, settings: VillageSettings | None = None,
                            **changes: object) -> Meeting:
    """Create and publish a meeting as the secretary."""
    secretary = await actor(database, SECRETARY)
    async with services(database, clock, settings) as village:
        meeting = await village.meetings.create(secretary, secretary.person.village_id,  # type: ignore[union-attr]
                                                plan(**changes))
        return (await village.meetings.publish(secretary, meeting.id)).meeting


class People:
    """The test roster's people as actors, by phone."""

    def __init__(self, actors: dict[str, Actor]) -> None:
        self._actors = actors

    def __getitem__(self, phone: str) -> Actor:
        return self._actors[phone]

    def id(self, phone: str) -> int:
        """Return the person id behind a phone."""
        person = self._actors[phone].person
        assert person is not None
        return person.id

    @classmethod
    async def load(cls, database: Database) -> People:
        """Read every test roster person."""
        phones = (ALICE, MING, WANG, ZHAO, QIAN, SUN, SECRETARY, DIRECTOR, SUPERVISOR, CM_RESIDENT, CM_SECRETARY)
        return cls({phone: await actor(database, phone) for phone in phones})


async def load_people(database: Database, clock: ManualClock) -> People:
    """Load the test roster and return its people as actors."""
    await load_roster(database, clock)
    return await People.load(database)


Call = Callable[[Services], Awaitable[Any]]


async def run(database: Database, clock: ManualClock, call: Call) -> Any:
    """Run `call` with services in one transaction."""
    async with services(database, clock) as village:
        return await call(village)


async def refusal(database: Database, clock: ManualClock, call: Call) -> ErrorCode:
    """Run `call` and return the code of the refusal it must raise."""
    with pytest.raises(VillageError) as error:
        await run(database, clock, call)
    return error.value.code
