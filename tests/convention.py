"""Test helpers for the convention: services in one transaction, actors by phone, the default convention."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from storage.database import Database
from tests.factories import OPERATOR, person_by_phone
from village.clock import Clock
from village.convention.models import Convention
from village.convention.spec import DEFAULT_CONVENTION, ConventionSpec
from village.people import Actor
from village.services import Services
from village.settings import VillageSettings

GARBAGE = "垃圾分类"  # 20 points, 5 a time
BUILDING = "不违章搭建"  # 15 points, all at once


@asynccontextmanager
async def services(database: Database, clock: Clock,
                   settings: VillageSettings | None = None) -> AsyncIterator[Services]:
    """Yield services in one transaction that commits at the end."""
    async with database.transaction() as store:
        yield Services(store, clock, settings or VillageSettings())


async def actor(database: Database, phone: str) -> Actor:
    """Return the person with a roster phone such as 13800000009, as an actor."""
    return Actor.of(await person_by_phone(database, phone))


async def add_convention(database: Database, clock: Clock, village: str = "FX01",
                         spec: ConventionSpec = DEFAULT_CONVENTION) -> Convention:
    """Import a convention for a village as an operator."""
    async with services(database, clock) as village_services:
        return await village_services.conventions.import_spec(OPERATOR, village, spec)


async def household_id(database: Database, label: str) -> int:
    """Return the id of the household with this roster label."""
    async with database.transaction() as store:
        for village in await store.places.villages():
            for household in await store.places.households(village.id):
                if household.label == label:
                    return household.id
    raise AssertionError(label)


async def group_id(database: Database, name: str) -> int:
    """Return the id of the group with this name."""
    async with database.transaction() as store:
        for village in await store.places.villages():
            for group in await store.places.groups(village.id):
                if group.name == name:
                    return group.id
    raise AssertionError(name)


def clause(convention: Convention, name: str) -> int:
    """Return the id of a clause by name."""
    found = convention.clause_named(name)
    assert found is not None, name
    return found.id
