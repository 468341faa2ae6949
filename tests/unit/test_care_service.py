"""The care service over a real database: who sees the list, audited changes, flags, reminders, figures."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

import pytest

from storage.database import Database
from tests.factories import load_roster, person_by_phone
from village.care.models import CareCategory, Flag, Rhythm, VisitDraft, Wellbeing
from village.clock import ManualClock
from village.errors import ConflictError, PermissionDeniedError
from village.people import Actor
from village.services import Services
from village.settings import VillageSettings

T = TypeVar("T")
ALICE, WANG, QIAN, WORKER, SECRETARY, DIRECTOR, SUPERVISOR = (
    "13800000001", "13800000003", "13800000005", "13800000006", "13800000009", "13800000010", "13800000011")


@pytest.fixture
async def village(database: Database, clock: ManualClock) -> Database:
    await load_roster(database, clock)
    return database


async def act(database: Database, clock: ManualClock, work: Callable[[Services], Awaitable[T]]) -> T:
    async with database.transaction() as store:
        return await work(Services(store, clock, VillageSettings()))


async def actor(database: Database, phone: str) -> Actor:
    return Actor.of(await person_by_phone(database, phone))


async def listed(database: Database, clock: ManualClock, phone: str, rhythm: Rhythm = Rhythm.WEEKLY) -> int:
    cadre, person = await actor(database, SECRETARY), await person_by_phone(database, phone)
    subject = await act(database, clock, lambda s: s.care.add(cadre, person.id, CareCategory.ELDERLY_ALONE, rhythm))
    return subject.id


async def test_a_resident_cannot_open_the_list(village: Database, clock: ManualClock) -> None:
    await listed(village, clock, ALICE)
    resident = await actor(village, WANG)

    with pytest.raises(PermissionDeniedError):
        await act(village, clock, lambda s: s.care.entries(resident))


async def test_a_grid_worker_sees_only_the_people_of_their_grid(village: Database, clock: ManualClock) -> None:
    await listed(village, clock, ALICE)  # 一网格
    far = await listed(village, clock, QIAN)  # 二网格
    worker, supervisor = await actor(village, WORKER), await actor(village, SUPERVISOR)

    seen = await act(village, clock, lambda s: s.care.entries(worker))
    everyone = await act(village, clock, lambda s: s.care.entries(supervisor))

    assert [e.person.name for e in seen] == ["张阿婆"]
    assert {e.person.name for e in everyone} == {"张阿婆", "钱大叔"}
    with pytest.raises(PermissionDeniedError):
        await act(village, clock, lambda s: s.care.log_visit(worker, far, VisitDraft(Wellbeing.GOOD)))


async def test_changes_to_the_list_are_audited(village: Database, clock: ManualClock) -> None:
    subject_id = await listed(village, clock, ALICE)
    cadre = await actor(village, SECRETARY)
    await act(village, clock, lambda s: s.care.change(cadre, subject_id, CareCategory.DISABLED, Rhythm.MONTHLY))
    await act(village, clock, lambda s: s.care.remove(cadre, subject_id))

    village_id = (await person_by_phone(village, SECRETARY)).village_id

    log = await act(village, clock, lambda s: s.audit.entries(cadre, village_id, None))

    actions = [(e.action, e.before, e.after) for e in log if e.action in ("care.add", "care.change", "care.remove")]
    assert actions == [
        ("care.add", None, {"category": "elderly_alone", "rhythm": "weekly"}),
        ("care.change", {"category": "elderly_alone", "rhythm": "weekly"},
         {"category": "disabled", "rhythm": "monthly"}),
        ("care.remove", {"category": "disabled", "rhythm": "monthly"}, None),
    ]


async def test_listing_someone_twice_is_refused(village: Database, clock: ManualClock) -> None:
    await listed(village, clock, ALICE)

    with pytest.raises(ConflictError):
        await listed(village, clock, ALICE)


async def test_only_cadres_change_the_list(village: Database, clock: ManualClock) -> None:
    worker, alice = await actor(village, WORKER), await person_by_phone(village, ALICE)

    with pytest.raises(PermissionDeniedError):
        await act(village, clock, lambda s: s.care.add(worker, alice.id, CareCategory.OTHER, Rhythm.WEEKLY))


async def test_needs_help_twice_in_a_row_goes_to_the_secretary(village: Database, clock: ManualClock) -> None:
    subject_id = await listed(village, clock, ALICE)
    worker = await actor(village, WORKER)
    secretary = await person_by_phone(village, SECRETARY)

    first = await act(village, clock, lambda s: s.care.log_visit(worker, subject_id, VisitDraft(Wellbeing.NEEDS_HELP)))
    clock.advance(timedelta(days=7))
    second = await act(village, clock, lambda s: s.care.log_visit(worker, subject_id,
                                                                  VisitDraft(Wellbeing.NEEDS_HELP)))

    assert first.flagged_to == ()
    assert second.flag == Flag.NEEDS_HELP_TWICE
    assert second.flagged_to == (secretary.id,)


async def test_reminders_go_to_the_grid_worker_and_overdue_visits_to_the_cadres(village: Database,
                                                                              clock: ManualClock) -> None:
    await listed(village, clock, ALICE)  # 一网格 has 孙网格
    await listed(village, clock, QIAN)  # 二网格 has no grid worker: its cadres are reminded
    worker = await person_by_phone(village, WORKER)
    cadres = {(await person_by_phone(village, p)).id for p in (SECRETARY, DIRECTOR)}

    early = await act(village, clock, lambda s: s.care.reminders(clock.now() + timedelta(days=5)))
    due = await act(village, clock, lambda s: s.care.reminders(clock.now() + timedelta(days=6, hours=1)))
    not_yet_late = await act(village, clock, lambda s: s.care.overdue(clock.now() + timedelta(days=10)))
    late = await act(village, clock, lambda s: s.care.overdue(clock.now() + timedelta(days=10, hours=1)))

    assert early == []
    assert {(r.recipients, tuple(e.person.name for e in r.entries)) for r in due} == {
        ((worker.id,), ("张阿婆",)), (tuple(sorted(cadres)), ("钱大叔",))}
    assert not_yet_late == []
    assert len(late) == 2
    assert all(set(r.recipients) == cadres for r in late)


async def test_month_figures_count_the_list_visits_and_flags(village: Database, clock: ManualClock) -> None:
    subject_id = await listed(village, clock, ALICE)
    await listed(village, clock, QIAN)
    worker = await actor(village, WORKER)
    await act(village, clock, lambda s: s.care.log_visit(worker, subject_id, VisitDraft(Wellbeing.FAIR,
                                                                                         problem=True)))
    local = clock.now().astimezone(VillageSettings().timezone)
    clock.advance(timedelta(days=40))
    village_id = (await person_by_phone(village, ALICE)).village_id

    figures = await act(village, clock, lambda s: s.care.month_figures(village_id, local.year, local.month))

    assert (figures.on_list, figures.visits, figures.visited_people, figures.flagged) == (2, 1, 1, 1)


async def test_a_visit_is_audited_with_how_the_person_was(village: Database, clock: ManualClock) -> None:
    subject_id = await listed(village, clock, ALICE)
    worker, cadre = await actor(village, WORKER), await actor(village, SECRETARY)
    village_id = (await person_by_phone(village, ALICE)).village_id

    logged = await act(village, clock, lambda s: s.care.log_visit(worker, subject_id, VisitDraft(
        Wellbeing.FAIR, "还好", family_contacted=True)))
    log = await act(village, clock, lambda s: s.audit.entries(cadre, village_id, None))

    visits = [(e.actor_label, e.after) for e in log if e.action == "care.visit"]
    assert visits == [(worker.label, {"visit_id": logged.visit.id, "wellbeing": "fair", "problem": False,
                                      "family_contacted": True})]
