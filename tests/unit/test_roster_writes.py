"""The roster's bulk write: rows matched in memory as row by row would, roles replaced, places kept."""

from __future__ import annotations

from storage.database import Database
from tests.factories import ROSTER, load_roster, person_by_phone
from village.clock import ManualClock
from village.roles import Role

NO_PHONE = ["FX01", "和美村", "一网格", "一组", "1-09", "陈阿公", "", ""]


async def people_named(database: Database, name: str) -> int:
    async with database.transaction() as store:
        village = await store.places.village_by_code("FX01")
        assert village is not None
        return len([p for p in await store.people.in_village(village.id) if p.name == name])


async def test_a_member_without_phone_is_matched_by_household_and_name_on_reimport(database: Database,
                                                                                  clock: ManualClock) -> None:
    await load_roster(database, clock, [*ROSTER, NO_PHONE])

    again = await load_roster(database, clock, [*ROSTER, NO_PHONE])

    assert await people_named(database, "陈阿公") == 1
    assert (again.added, again.updated, again.unchanged) == (0, 0, len(ROSTER) + 1)


async def test_reimport_replaces_roster_roles_and_moves_a_household(database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)
    changed = [list(r) for r in ROSTER]
    changed[0][3], changed[0][7] = "二组", "representative"  # 张阿婆's household 1-01 moves to 二组
    changed[1][3] = "二组"

    summary = await load_roster(database, clock, changed)
    alice = await person_by_phone(database, "13800000001")
    async with database.transaction() as store:
        household = await store.places.household(alice.household_id or 0)
        groups = {g.id: g.name for g in await store.places.groups(alice.village_id)}

    assert summary.added == 0
    assert {g.role for g in alice.roles} == {Role.REPRESENTATIVE, Role.RESIDENT}
    assert household is not None
    assert groups[household.group_id] == "二组"
