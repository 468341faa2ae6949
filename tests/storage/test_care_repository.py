"""The care repository: the list, visits and patrols, on both backends."""

from __future__ import annotations

from datetime import timedelta

from storage.database import Database
from tests.factories import load_roster, person_by_phone
from village.care.models import CareCategory, PatrolDraft, Rhythm, VisitDraft, Wellbeing
from village.clock import ManualClock
from village.geo import Datum, GeoPoint
from village.media import MediaKind, StoredMedia

VOICE = StoredMedia(7, MediaKind.VOICE, 24, "audio/ogg", "voice/ab/ab.ogg")


async def test_a_person_removed_and_listed_again_keeps_one_entry_and_the_visits(database: Database,
                                                                                 clock: ManualClock) -> None:
    await load_roster(database, clock)
    alice = await person_by_phone(database, "13800000001")
    worker = await person_by_phone(database, "13800000006")
    async with database.transaction() as store:
        first = await store.care.add_subject(alice.village_id, alice.id, CareCategory.ELDERLY_ALONE, Rhythm.WEEKLY,
                                             clock.now())
        await store.care.add_visit(first, worker.id, clock.now(), VisitDraft(Wellbeing.FAIR, "还好", VOICE))
        await store.care.remove_subject(first.id, clock.now())
        listed_after_removal = await store.care.subjects(alice.village_id)
        again = await store.care.add_subject(alice.village_id, alice.id, CareCategory.DISABLED, Rhythm.MONTHLY,
                                             clock.now())
        visits = await store.care.visits_of(again.id, 5)

    assert listed_after_removal == []
    assert again.id == first.id
    assert again.active
    assert (again.category, again.rhythm) == (CareCategory.DISABLED, Rhythm.MONTHLY)
    assert [(v.draft.wellbeing, v.draft.note, v.draft.voice) for v in visits] == [(Wellbeing.FAIR, "还好", VOICE)]


async def test_last_visits_gives_each_person_their_newest(database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)
    alice = await person_by_phone(database, "13800000001")
    wang = await person_by_phone(database, "13800000003")
    worker = await person_by_phone(database, "13800000006")
    async with database.transaction() as store:
        a = await store.care.add_subject(alice.village_id, alice.id, CareCategory.ELDERLY_ALONE, Rhythm.WEEKLY,
                                         clock.now())
        w = await store.care.add_subject(wang.village_id, wang.id, CareCategory.OTHER, Rhythm.WEEKLY, clock.now())
        await store.care.add_visit(a, worker.id, clock.now(), VisitDraft(Wellbeing.GOOD))
        newest = await store.care.add_visit(a, worker.id, clock.now() + timedelta(days=7),
                                            VisitDraft(Wellbeing.NEEDS_HELP, problem=True))
        last = await store.care.last_visits([a.id, w.id])

    assert set(last) == {a.id}
    assert last[a.id].id == newest.id
    assert last[a.id].draft.problem is True


async def test_patrols_keep_their_place_and_are_counted_by_month(database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)
    worker = await person_by_phone(database, "13800000006")
    point = GeoPoint(30.91, 121.47, Datum.WGS84)
    async with database.transaction() as store:
        await store.care.add_patrol(worker.village_id, worker.id, worker.grid_id, clock.now(),
                                    PatrolDraft("河边有垃圾", point=point, problem=True))
        inside = await store.care.patrols_between(worker.village_id, clock.now() - timedelta(days=1),
                                                  clock.now() + timedelta(days=1))
        outside = await store.care.patrols_between(worker.village_id, clock.now() + timedelta(days=1),
                                                   clock.now() + timedelta(days=2))

    assert [(p.draft.note, p.draft.point, p.draft.problem, p.grid_id) for p in inside] == [
        ("河边有垃圾", point, True, worker.grid_id)]
    assert outside == []
