"""The world the property suite explores: two villages, a persona of every role, and data to protect.

Built once per session into a database file that every example copies, so an example starts in
a few milliseconds: the roster, a chat identity per persona, a convention with a published
assessment in 和美村, and a report in each village that the personas did not file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from storage.database import Database, sqlite_url
from tests.conftest import START
from tests.convention import actor, add_convention, group_id, household_id, services
from tests.factories import load_roster, person_by_phone
from village.clock import ManualClock
from village.reports import ReportDraft
from village.roles import Role

CHANNEL = "test"


@dataclass(frozen=True)
class Persona:
    """Someone the suite writes as: a chat id, and the roster phone it is bound to (None: a stranger)."""

    name: str
    external_id: str
    phone: str | None
    village: str | None
    roles: frozenset[Role] = frozenset()

    @property
    def staff(self) -> bool:
        """Whether the roster gives the persona a staff role (someone whose writes are audited)."""
        return bool(self.roles & {Role.CADRE, Role.GRID_WORKER, Role.GROUP_LEADER, Role.SUPERVISOR, Role.ADMIN})


PERSONAS = (
    Persona("stranger", "7000", None, None),
    Persona("resident", "7001", "13800000002", "FX01"),
    Persona("household_head", "7002", "13800000001", "FX01", frozenset({Role.HOUSEHOLD_HEAD})),
    Persona("representative", "7003", "13800000003", "FX01",
            frozenset({Role.HOUSEHOLD_HEAD, Role.REPRESENTATIVE})),
    Persona("group_leader", "7004", "13800000004", "FX01", frozenset({Role.HOUSEHOLD_HEAD, Role.GROUP_LEADER})),
    Persona("grid_worker", "7006", "13800000006", "FX01", frozenset({Role.GRID_WORKER})),
    Persona("cadre", "7009", "13800000009", "FX01", frozenset({Role.CADRE})),
    Persona("supervisor", "7011", "13800000011", "FX01", frozenset({Role.SUPERVISOR})),
    Persona("other_village_cadre", "7109", "13900000009", "CM01", frozenset({Role.CADRE})),
)
BY_NAME = {p.name: p for p in PERSONAS}
SECRETARY = "13800000009"
QIAN, CM_RESIDENT = "13800000005", "13900000001"  # reporters of the seeded reports: no persona


async def build_world(path: Path) -> None:
    """Seed the migrated database at `path` with everything the examples start from."""
    database = Database.open(sqlite_url(str(path)))
    clock = ManualClock(START)
    try:
        await load_roster(database, clock)
        await _bind_personas(database, clock)
        await _publish_assessments(database, clock)
        await _file_report(database, clock, QIAN, "路灯不亮")
        await _file_report(database, clock, CM_RESIDENT, "河道有垃圾")
    finally:
        await database.close()


async def _bind_personas(database: Database, clock: ManualClock) -> None:
    for persona in PERSONAS:
        async with database.transaction() as store:
            identity = await store.identities.seen(CHANNEL, persona.external_id, chat_ref=persona.external_id,
                                                   display_name=persona.name, now=clock.now())
            if persona.phone is not None:
                person = await store.people.by_phone("+86" + persona.phone)
                assert person is not None, persona
                await store.identities.bind(identity.id, person.id)


async def _publish_assessments(database: Database, clock: ManualClock) -> None:
    """Publish 一组's October results: a published assessment nobody may change afterwards but a cadre."""
    await add_convention(database, clock, "CM01")
    convention = await add_convention(database, clock, "FX01")
    who = await actor(database, SECRETARY)
    cut = convention.clauses[0].id
    for label in ("1-01", "1-02"):
        household = await household_id(database, label)
        async with services(database, clock) as village:
            await village.assessments.save_draft(who, household, "2026-10", deductions={cut: 5},
                                                 reasons={cut: "门前堆物"})
    group = await group_id(database, "一组")
    async with services(database, clock) as village:
        await village.assessments.publish(who, group, "2026-10")


async def _file_report(database: Database, clock: ManualClock, phone: str, text: str) -> None:
    reporter = await actor(database, phone)
    async with services(database, clock) as village:
        await village.reports.file(reporter, ReportDraft(category="其他", text=text))


async def persona_person_id(database: Database, persona: Persona) -> int | None:
    """Return the person id of a persona, None for the stranger."""
    return None if persona.phone is None else (await person_by_phone(database, persona.phone)).id
