"""Demo data for care visits (关爱走访): a few people of 孙网格's grid on the care list, with past visits.

张阿婆 is due for a visit, one child is overdue (the cadres hear of it at the next `care_overdue` run),
and one person was found to need help, so the persona 孙网格 has something to do and 李书记 something to read.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from village.care.models import CareCategory, PatrolDraft, Rhythm, VisitDraft, Wellbeing
from village.clock import ManualClock
from village.people import Actor, Person
from village.ports import Store
from village.roles import Role
from village.services import Services
from village.settings import VillageSettings

SECRETARY_PHONE = "+8613800000009"
WORKER_PHONE = "+8613800000006"
GRANNY_PHONE = "+8613800000001"
# (category, rhythm, days since listed, visits as (days ago, wellbeing, note)), for the people in turn.
PLAN: tuple[tuple[CareCategory, Rhythm, int, tuple[tuple[int, Wellbeing, str], ...]], ...] = (
    (CareCategory.ELDERLY_ALONE, Rhythm.WEEKLY, 30, ((13, Wellbeing.GOOD, "身体还好，聊了家常"),
                                                     (6, Wellbeing.FAIR, "有点咳嗽，提醒按时吃药"))),
    (CareCategory.LEFT_BEHIND_CHILD, Rhythm.FORTNIGHTLY, 20, ()),
    (CareCategory.DISABLED, Rhythm.MONTHLY, 25, ((8, Wellbeing.NEEDS_HELP, "轮椅坏了，需要帮忙修理"),)),
    (CareCategory.ELDERLY_ALONE, Rhythm.WEEKLY, 15, ((3, Wellbeing.GOOD, "子女刚来看过"),)),
)


async def seed_care(store: Store, now: datetime, settings: VillageSettings) -> int:
    """Put people on the care list with visits in the past, and log a patrol; return how many are listed."""
    secretary = await store.people.by_phone(SECRETARY_PHONE)
    worker = await store.people.by_phone(WORKER_PHONE)
    if secretary is None or worker is None:
        return 0
    people = await _people(store, worker)
    listed = 0
    for person, (category, rhythm, days, visits) in zip(people, PLAN, strict=False):
        await _list(store, settings, now - timedelta(days=days), secretary, person, category, rhythm)
        for days_ago, wellbeing, note in visits:
            await _visit(store, settings, now - timedelta(days=days_ago), worker, person, VisitDraft(wellbeing, note))
        listed += 1
    patrol = Services(store, ManualClock(now - timedelta(days=2)), settings)
    walk = PatrolDraft("沿河巡查一遍，河岸干净，护栏完好", address="一组东河沿岸")
    await patrol.care.log_patrol(Actor.of(worker), walk)
    return listed


async def _people(store: Store, worker: Person) -> list[Person]:
    """Return 张阿婆 first, then other residents of the worker's grid who are not staff."""
    everyone = await store.people.in_village(worker.village_id)
    residents = [p for p in everyone if p.grid_id == worker.grid_id and p.household_id is not None
                 and not p.has_role(p.village_id, Role.CADRE, Role.GRID_WORKER, Role.SUPERVISOR)]
    granny = [p for p in residents if p.phone == GRANNY_PHONE]
    # Other personas last: their own flows stay as they are when the dataset has enough other residents.
    others = sorted((p for p in residents if p.phone != GRANNY_PHONE),
                    key=lambda p: (p.phone or "").startswith("+86138000000"))
    return [*granny, *others[:len(PLAN) - len(granny)]]


async def _list(store: Store, settings: VillageSettings, at: datetime, secretary: Person, person: Person,
                category: CareCategory, rhythm: Rhythm) -> None:
    services = Services(store, ManualClock(at), settings)
    await services.care.add(Actor.of(secretary), person.id, category, rhythm)


async def _visit(store: Store, settings: VillageSettings, at: datetime, worker: Person, person: Person,
                 draft: VisitDraft) -> None:
    services = Services(store, ManualClock(at), settings)
    subject = await store.care.subject_of_person(person.id)
    assert subject is not None
    await services.care.log_visit(Actor.of(worker), subject.id, draft)
