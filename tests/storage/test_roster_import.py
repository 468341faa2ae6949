"""The roster import on both databases: a district's many villages in one import."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.database import Database
from storage.tables import roles
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


async def roster_roles(database: Database) -> dict[int, tuple[int, str]]:
    """Return every roster role row: its id -> (person id, role)."""
    async with database.connection() as connection:
        found = await connection.execute(select(roles.c.id, roles.c.person_id, roles.c.role)
                                         .where(roles.c.source == RoleSource.ROSTER.value))
        return {row_id: (person_id, role) for row_id, person_id, role in found.all()}


async def test_a_monthly_reimport_writes_only_what_changed_and_counts_the_rest(database: Database,
                                                                               clock: ManualClock) -> None:
    await load_roster(database, clock, DISTRICT)
    before = await roster_roles(database)
    month = [list(r) for r in DISTRICT]
    month[5][7] = "household_head"  # one person's role changes
    month.append(["D041", "村41", "一网格", "一组", "1", "新村民", "13900000041", ""])  # one newcomer

    summary = await load_roster(database, clock, month)
    after = await roster_roles(database)
    changed = await person_by_phone(database, "13700000005")

    assert (summary.added, summary.updated, summary.unchanged) == (1, 1, 39)
    assert {g.role for g in changed.roles} == {Role.HOUSEHOLD_HEAD, Role.RESIDENT}
    kept = {row_id: held for row_id, held in before.items() if held[0] != changed.id}
    assert kept.items() <= after.items()  # the unchanged people's roles were left as they were, not rewritten
    assert len(after) == len(before) + 2  # the newcomer's resident role, the changed person's head role
