"""The roster import on both databases: a district's many villages in one import."""

from __future__ import annotations

import pytest

from storage.database import Database
from tests.factories import OPERATOR, ROSTER, load_roster, person_by_phone, roster_table
from village.clock import ManualClock
from village.roles import Role, RoleGrant, RoleSource
from village.services import Services
from village.settings import VillageSettings

DISTRICT = [[f"D{n:03}", f"村{n}", "一网格", "一组", "1", f"村民{n}", f"137{n:08}", ""] for n in range(40)]


async def test_an_import_of_forty_villages_is_written_and_audited(database: Database, clock: ManualClock) -> None:
    summary = await load_roster(database, clock, DISTRICT)

    async with database.transaction() as store:
        villages = await store.places.villages()
        entries = await store.audit.entries(None, None)

    assert (summary.villages, summary.added) == (40, 40)
    assert len(villages) == 40
    assert [(e.action, e.target) for e in entries] == [("roster.import", "40 villages")]


async def test_an_import_rolled_back_after_its_writes_leaves_nothing(database: Database, clock: ManualClock) -> None:
    async def import_then_fail() -> None:
        async with database.transaction() as store:
            await Services(store, clock, VillageSettings()).roster.import_table(OPERATOR, roster_table(DISTRICT))
            raise RuntimeError("a later step failed")  # the people (COPY on PostgreSQL) go with the rest

    with pytest.raises(RuntimeError):
        await import_then_fail()

    async with database.transaction() as store:
        assert await store.places.villages() == []
    assert (await load_roster(database, clock, DISTRICT)).added == 40  # and the same import runs again whole


async def test_a_reimport_keeps_roles_held_already_and_adds_new_ones(database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)
    wang = await person_by_phone(database, "13800000003")
    async with database.transaction() as store:  # granted by hand too: the import skips it, as it would a duplicate
        await store.people.grant(wang.id, RoleGrant(Role.GROUP_LEADER, wang.village_id, source=RoleSource.MANUAL))
    changed = [list(r) for r in ROSTER]
    changed[2][7] = "household_head;representative;group_leader"
    changed[0][7] = "household_head;supervisor"

    summary = await load_roster(database, clock, changed)

    assert (summary.added, summary.updated) == (0, 2)
    wang, zhang = await person_by_phone(database, "13800000003"), await person_by_phone(database, "13800000001")
    assert wang.has_role(wang.village_id, Role.GROUP_LEADER)
    assert wang.has_role(wang.village_id, Role.REPRESENTATIVE)
    assert zhang.has_role(zhang.village_id, Role.SUPERVISOR)
