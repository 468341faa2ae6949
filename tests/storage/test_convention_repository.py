"""The convention's tables: the migration goes both ways, and the database itself keeps the invariants."""

from __future__ import annotations

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from storage.database import Database
from storage.tables import homestead_assessments
from tests.convention import add_convention, household_id, services
from tests.factories import OPERATOR, load_roster
from village.clock import ManualClock
from village.convention.models import Appeal, AppealStatus, AssessmentFields
from village.convention.rules import Face


@pytest.fixture
async def published_id(database: Database, clock: ManualClock) -> int:
    await load_roster(database, clock)
    await add_convention(database, clock)
    household = await household_id(database, "3-01")
    async with services(database, clock) as s:
        result = await s.assessments.import_table(OPERATOR, [["village", "period", "household"],
                                                             ["FX01", "2026-11", "3-01"]])
        assert result == 1
        draft = await s.store.assessments.of_household(household, "2026-11")
        assert draft is not None
        assert await s.store.assessments.publish(draft.id, released=5_000, withheld=0, now=clock.now())
        return draft.id


async def test_a_published_result_is_never_overwritten_as_a_draft(database: Database, clock: ManualClock,
                                                                  published_id: int) -> None:
    async with database.transaction() as store:
        before = await store.assessments.get(published_id)
        assert before is not None
        fields = AssessmentFields(before.village_id, before.group_id, before.household_id, before.period,
                                  before.convention_id, 0, Face.CRY, (), "test", None)

        saved = await store.assessments.save_draft(fields, clock.now())
        again = await store.assessments.publish(published_id, released=1, withheld=1, now=clock.now())
        after = await store.assessments.get(published_id)

    assert (saved, again) == (None, False)
    assert after == before


async def test_only_one_open_appeal_per_result(database: Database, clock: ManualClock, published_id: int) -> None:
    async with database.transaction() as store:
        result = await store.assessments.get(published_id)
        assert result is not None
        person = (await store.people.in_household(result.household_id))[0]
        appeal = Appeal(0, result.id, result.village_id, result.household_id, person.id, "不对", AppealStatus.OPEN,
                        clock.now())

        first = await store.appeals.add(appeal)
        second = await store.appeals.add(appeal)
        assert first is not None
        await store.appeals.decide(first, AppealStatus.UPHELD, by=None, note="维持", now=clock.now())
        third = await store.appeals.add(appeal)

    assert second is None
    assert third is not None


async def test_one_yearly_homestead_result_per_group(database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)
    row = {"village_id": 1, "group_id": 1, "year": 2026, "kind": "annual", "results": {}, "notes": {},
           "passed": True, "at": clock.now(), "assessor_label": "test"}
    async with database.transaction() as store:
        await store.connection.execute(insert(homestead_assessments).values(**row))
        await store.connection.execute(insert(homestead_assessments).values(**{**row, "kind": "spot_check"}))
        await store.connection.execute(insert(homestead_assessments).values(**{**row, "kind": "spot_check"}))

    with pytest.raises(IntegrityError):
        async with database.transaction() as store:
            await store.connection.execute(insert(homestead_assessments).values(**row))
