"""The joining service: contacts, invites, requests and decisions, with their permissions."""

from __future__ import annotations

import pytest

from storage.database import Database
from tests.factories import OPERATOR, ROSTER, load_roster, person_by_phone
from village.clock import ManualClock
from village.errors import ConflictError, ErrorCode, PermissionDeniedError
from village.people import Actor, Identity
from village.services import Services
from village.settings import VillageSettings


async def identity(database: Database, clock: ManualClock, external_id: str) -> Identity:
    async with database.transaction() as store:
        return await store.identities.seen("telegram", external_id, chat_ref=external_id, display_name="x",
                                           now=clock.now())


async def request_from_stranger(database: Database, clock: ManualClock, village_code: str = "FX01") -> int:
    stranger = await identity(database, clock, "900")
    async with database.transaction() as store:
        village = await store.places.village_by_code(village_code)
        assert village is not None
        request, _cadres = await Services(store, clock, VillageSettings()).joining.request_to_join(
            stranger, village.id, "刘新来", "+8613700000000")
    return request.id


async def test_contact_binds_and_a_new_account_replaces_the_old_one(database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)
    old, new = await identity(database, clock, "1"), await identity(database, clock, "2")

    async with database.transaction() as store:
        joining = Services(store, clock, VillageSettings()).joining
        await joining.join_by_contact(old, "8613800000001", is_own=True)
        person = await joining.join_by_contact(new, "+86 138 0000 0001", is_own=True)
        accounts = await store.identities.of_person(person.id)  # type: ignore[union-attr]

    assert [a.external_id for a in accounts] == ["2"]


async def test_someone_elses_contact_is_refused(database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)
    stranger = await identity(database, clock, "1")

    async with database.transaction() as store:
        with pytest.raises(PermissionDeniedError) as caught:
            await Services(store, clock, VillageSettings()).joining.join_by_contact(
                stranger, "+8613800000001", is_own=False)

    assert caught.value.code is ErrorCode.CONTACT_NOT_OWN


async def test_only_a_cadre_of_that_village_decides_and_only_once(database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)
    request_id = await request_from_stranger(database, clock)
    other_village_cadre = Actor.of(await person_by_phone(database, "13900000009"))
    resident = Actor.of(await person_by_phone(database, "13800000001"))
    cadre = Actor.of(await person_by_phone(database, "13800000009"))

    async with database.transaction() as store:
        joining = Services(store, clock, VillageSettings()).joining
        for outsider in (other_village_cadre, resident):
            with pytest.raises(PermissionDeniedError):
                await joining.approve(outsider, request_id)
        _request, person = await joining.approve(cadre, request_id)
        with pytest.raises(ConflictError):
            await joining.reject(cadre, request_id)

    assert (person.name, person.phone) == ("刘新来", "+8613700000000")


async def test_a_second_request_while_one_is_pending_is_refused(database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)
    await request_from_stranger(database, clock)

    with pytest.raises(ConflictError) as caught:
        await request_from_stranger(database, clock)

    assert caught.value.code is ErrorCode.REQUEST_PENDING


async def test_invites_are_reused_unless_renewed(database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)

    async with database.transaction() as store:
        invites = Services(store, clock, VillageSettings()).invites
        first = {c.household.label: c.code for c in await invites.issue(OPERATOR, "FX01")}
        again = {c.household.label: c.code for c in await invites.issue(OPERATOR, "fx01")}
        renewed = {c.household.label: c.code for c in await invites.issue(OPERATOR, "FX01", renew=True)}

    assert first == again
    assert set(first) == {"1-01", "1-02", "2-01", "3-01"}
    assert not set(first.values()) & set(renewed.values())


async def test_approving_binds_the_roster_person_imported_with_the_phone_since(database: Database,
                                                                                clock: ManualClock) -> None:
    await load_roster(database, clock)
    request_id = await request_from_stranger(database, clock)
    await load_roster(database, clock, [*ROSTER, ["FX01", "和美村", "一网格", "一组", "1-03", "刘新来", "13700000000",
                                                  "household_head"]])
    cadre = Actor.of(await person_by_phone(database, "13800000009"))

    async with database.transaction() as store:
        _request, person = await Services(store, clock, VillageSettings()).joining.approve(cadre, request_id)
        accounts = await store.identities.of_person(person.id)

    assert (person.name, person.household_id is not None) == ("刘新来", True)
    assert [a.external_id for a in accounts] == ["900"]


async def test_approving_refuses_a_phone_now_in_another_village(database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)
    request_id = await request_from_stranger(database, clock)
    await load_roster(database, clock, [*ROSTER, ["CM01", "崇明村", "东网格", "东一组", "E-02", "刘新来", "13700000000",
                                                  "household_head"]])
    cadre = Actor.of(await person_by_phone(database, "13800000009"))

    async with database.transaction() as store:
        with pytest.raises(ConflictError) as caught:
            await Services(store, clock, VillageSettings()).joining.approve(cadre, request_id)

    assert caught.value.code is ErrorCode.REQUEST_PHONE_ELSEWHERE


async def test_approving_refuses_when_the_roster_person_joined_on_another_account(database: Database,
                                                                                   clock: ManualClock) -> None:
    await load_roster(database, clock)
    request_id = await request_from_stranger(database, clock)
    await load_roster(database, clock, [*ROSTER, ["FX01", "和美村", "一网格", "一组", "1-03", "刘新来", "13700000000",
                                                  "household_head"]])
    other = await identity(database, clock, "901")
    async with database.transaction() as store:
        await Services(store, clock, VillageSettings()).joining.join_by_contact(other, "13700000000", is_own=True)
    cadre = Actor.of(await person_by_phone(database, "13800000009"))

    async with database.transaction() as store:
        with pytest.raises(ConflictError) as caught:
            await Services(store, clock, VillageSettings()).joining.approve(cadre, request_id)

    assert (caught.value.code, caught.value.params) == (ErrorCode.REQUEST_PERSON_JOINED, {"name": "刘新来"})
