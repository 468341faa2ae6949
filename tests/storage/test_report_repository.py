"""The reports repository: the database keeps the invariants."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from storage.database import Database
from storage.tables import reports
from tests.factories import load_roster, person_by_phone
from village.clock import ManualClock
from village.reports import ReportDraft, ReportStatus
from village.reports.model import NewEvent, NewReport, StatusChange


async def new_report(database: Database, clock: ManualClock) -> NewReport:
    await load_roster(database, clock)
    alice = await person_by_phone(database, "13800000001")
    return NewReport(village_id=alice.village_id, village_code="FX01", month="2611",
                     draft=ReportDraft("其他", "问题"), reporter_id=alice.id, filed_by_id=alice.id,
                     grid_id=alice.grid_id, assignee_id=None, created_at=clock.now(),
                     accept_due_at=clock.now() + timedelta(days=1))


async def test_the_same_number_twice_in_a_village_and_month_is_refused(database: Database,
                                                                       clock: ManualClock) -> None:
    new = await new_report(database, clock)
    async with database.transaction() as store:
        first = await store.reports.add(new)

    with pytest.raises(IntegrityError):
        async with database.connection() as connection:
            await connection.execute(insert(reports).values(
                village_id=first.village_id, month="2611", seq=1, code="FX01-2611-9999", category="其他", text="",
                status="submitted", reporter_id=first.reporter_id, filed_by_id=first.reporter_id, anonymous=False,
                address="", created_at=clock.now(), accept_due_at=clock.now(), resolution_note="", reopened=0))


async def test_a_change_applies_only_from_the_expected_status(database: Database, clock: ManualClock) -> None:
    new = await new_report(database, clock)
    async with database.transaction() as store:
        report = await store.reports.add(new)
        accepted = await store.reports.change(report.id, ReportStatus.SUBMITTED,
                                              StatusChange(ReportStatus.ACCEPTED, accepted_at=clock.now()))
        stale = await store.reports.change(report.id, ReportStatus.SUBMITTED, StatusChange(ReportStatus.REJECTED))
        after = await store.reports.get(report.id)

    assert accepted is True
    assert stale is False
    assert after is not None
    assert after.status is ReportStatus.ACCEPTED


async def test_a_keyed_event_is_recorded_once(database: Database, clock: ManualClock) -> None:
    new = await new_report(database, clock)
    async with database.transaction() as store:
        report = await store.reports.add(new)
        event = NewEvent(report.id, report.village_id, clock.now(), "overdue", None, key="report:1:accept:1:remind")
        first = await store.reports.add_event(event)
        again = await store.reports.add_event(event)
        timeline = await store.reports.events(report.id)

    assert first is not None
    assert again is None
    assert [e.kind for e in timeline] == ["overdue"]


async def test_reports_filed_at_once_get_consecutive_distinct_numbers(database: Database, clock: ManualClock) -> None:
    new = await new_report(database, clock)

    async def file_alone() -> str:
        async with database.transaction() as store:
            return (await store.reports.add(new)).code

    codes = await asyncio.gather(*(file_alone() for _ in range(5)))

    assert sorted(codes) == [f"FX01-2611-{n:04}" for n in range(1, 6)]
