"""Importing the care list from a spreadsheet and exporting it, and a month's visits, for the village office."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from village.audit import AuditService
from village.care.models import CareCategory, Visit
from village.care.sheets import CATEGORY_NAMES, HEADER, RHYTHM_NAMES, CareImportSummary, CareRow
from village.clock import Clock
from village.digests import month_bounds
from village.errors import ErrorCode, ImportRejectedError, NotFoundError, RowError
from village.people import Actor, Person
from village.permissions import require_role
from village.places import Village
from village.roles import Role

if TYPE_CHECKING:
    from village.ports import Store


@dataclass(frozen=True)
class VisitRow:
    """One visit of a month's export, with the names resolved."""

    visit: Visit
    person: str
    household: str
    category: CareCategory
    visitor: str
    report_code: str


@dataclass(frozen=True)
class _Resolved:
    row: CareRow
    village: Village
    person: Person


class CareTransfers:
    """The care list in and out of spreadsheets; the same validate-everything-first rule as the roster."""

    def __init__(self, store: Store, clock: Clock, audit: AuditService, zone: ZoneInfo) -> None:
        self._store = store
        self._clock = clock
        self._audit = audit
        self._zone = zone

    async def import_rows(self, actor: Actor, rows: Sequence[CareRow], errors: Sequence[RowError] = ()) -> \
            CareImportSummary:
        """Check every row against the roster, then put the people on the list (or change them), audited.

        Raises:
            ImportRejectedError: any row is bad (those given and those found here); nothing is written.
        """
        resolved, problems = await self._resolve(actor, rows)
        problems = sorted([*errors, *problems], key=lambda e: e.row)
        if problems:
            raise ImportRejectedError(problems)
        added = changed = unchanged = 0
        for item in resolved:
            outcome = await self._apply(actor, item)
            added, changed, unchanged = (added + (outcome == "add"), changed + (outcome == "change"),
                                         unchanged + (outcome == "same"))
        return CareImportSummary(added, changed, unchanged)

    async def list_table(self, actor: Actor, village_code: str) -> list[list[str]]:
        """Return the village's care list in the import format."""
        village = await self._village(actor, village_code)
        people = {p.id: p for p in await self._store.people.in_village(village.id)}
        households = {h.id: h.label for h in await self._store.places.households(village.id)}
        table = [list(HEADER)]
        for subject in await self._store.care.subjects(village.id):
            person = people[subject.person_id]
            table.append([village.code, person.name, households.get(person.household_id or 0, ""), person.phone or "",
                          CATEGORY_NAMES[subject.category], RHYTHM_NAMES[subject.rhythm]])
        return table

    async def month_visits(self, actor: Actor, village_code: str, year: int, month: int) -> list[VisitRow]:
        """Return the village's visits of a month, oldest first."""
        village = await self._village(actor, village_code)
        start, end = month_bounds(year, month, self._zone)
        people = {p.id: p for p in await self._store.people.in_village(village.id)}
        households = {h.id: h.label for h in await self._store.places.households(village.id)}
        rows = []
        for visit in await self._store.care.visits_between(village.id, start, end):
            subject = await self._store.care.subject(visit.subject_id)
            assert subject is not None
            person = people.get(subject.person_id)
            visitor = people.get(visit.visitor_id)
            report = await self._store.reports.get(visit.report_id) if visit.report_id else None
            rows.append(VisitRow(visit, person.name if person else "", households.get(
                person.household_id or 0, "") if person else "", subject.category, visitor.name if visitor else "",
                report.code if report else ""))
        return rows

    def local(self, moment: datetime) -> str:
        """Return a moment as local date and time."""
        return moment.astimezone(self._zone).strftime("%Y-%m-%d %H:%M")

    async def _village(self, actor: Actor, code: str) -> Village:
        village = await self._store.places.village_by_code(code.strip().upper())
        if village is None:
            raise NotFoundError(ErrorCode.UNKNOWN_VILLAGE, code=code)
        require_role(actor, village.id, Role.CADRE, Role.SUPERVISOR)
        return village

    async def _resolve(self, actor: Actor, rows: Sequence[CareRow]) -> tuple[list[_Resolved], list[RowError]]:
        resolved: list[_Resolved] = []
        problems: list[RowError] = []
        seen: dict[int, int] = {}
        villages: dict[str, Village | None] = {}
        for row in rows:
            if row.village not in villages:
                villages[row.village] = await self._store.places.village_by_code(row.village)
            village = villages[row.village]
            if village is None:
                problems.append(RowError(row.row, ErrorCode.ROW_UNKNOWN_VILLAGE, {"value": row.village}))
                continue
            require_role(actor, village.id, Role.CADRE)
            person = await self._person(village, row)
            if person is None:
                problems.append(RowError(row.row, ErrorCode.CARE_ROW_UNKNOWN_PERSON,
                                         {"name": row.name, "village": village.code}))
            elif person.id in seen:
                problems.append(RowError(row.row, ErrorCode.ROW_DUPLICATE_PERSON, {"other": seen[person.id]}))
            else:
                seen[person.id] = row.row
                resolved.append(_Resolved(row, village, person))
        return resolved, problems

    async def _person(self, village: Village, row: CareRow) -> Person | None:
        if row.phone:
            person = await self._store.people.by_phone(row.phone)
            return person if person is not None and person.village_id == village.id and person.name == row.name \
                else None
        households = [h for h in await self._store.places.households(village.id) if h.label == row.household]
        if not households:
            return None
        return await self._store.people.by_name_in_household(households[0].id, row.name)

    async def _apply(self, actor: Actor, item: _Resolved) -> str:
        row, person = item.row, item.person
        existing = await self._store.care.subject_of_person(person.id)
        state = {"category": row.category.value, "rhythm": row.rhythm.value}
        if existing is not None and existing.active:
            if (existing.category, existing.rhythm) == (row.category, row.rhythm):
                return "same"
            await self._store.care.update_subject(existing.id, row.category, row.rhythm)
            await self._audit.record(actor, item.village.id, "care.change", f"person:{person.id}", after=state,
                                     before={"category": existing.category.value, "rhythm": existing.rhythm.value})
            return "change"
        await self._store.care.add_subject(item.village.id, person.id, row.category, row.rhythm, self._clock.now())
        await self._audit.record(actor, item.village.id, "care.add", f"person:{person.id}", after=state)
        return "add"


