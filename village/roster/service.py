"""Roster import and export: write validated rows, matching people so nothing duplicates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from village.audit import AuditService
from village.errors import ErrorCode, ImportRejectedError, NotFoundError, RowError
from village.people import Actor, Person, PersonFields
from village.permissions import require_admin
from village.places import Village
from village.ports import Store
from village.roles import Role, RoleGrant, RoleSource
from village.roster.rows import EXPORT_COLUMNS, ImportSummary, NumberedRow, RosterRow, parse_rows, role_tokens


class RosterService:
    """Import and export the roster (admins and operators only)."""

    def __init__(self, store: Store, audit: AuditService) -> None:
        self._store = store
        self._audit = audit

    async def import_table(self, actor: Actor, table: Sequence[Sequence[Any]]) -> ImportSummary:
        """Validate every row, check phones against other villages, then write it all.

        Raises:
            ImportRejectedError: any bad row; nothing was written.
        """
        require_admin(actor)
        rows = parse_rows(table)
        await self._check_phones_elsewhere(rows)
        summary = ImportSummary()
        for code, village_rows in _by_village(rows).items():
            await _VillageImport(self._store, code, village_rows).apply(summary)
            summary.touched_villages.append(code)
        await self._audit.record(actor, None, "roster.import", ",".join(summary.touched_villages),
                                 after={"added": summary.added, "updated": summary.updated,
                                        "unchanged": summary.unchanged})
        return summary

    async def _check_phones_elsewhere(self, rows: Sequence[NumberedRow]) -> None:
        errors = []
        for numbered in rows:
            if not numbered.row.phone:
                continue
            holder = await self._store.people.by_phone(numbered.row.phone)
            if holder is None:
                continue
            village = await self._store.places.village(holder.village_id)
            if village is not None and village.code != numbered.row.village:
                errors.append(RowError(numbered.number, ErrorCode.ROW_PHONE_ELSEWHERE, {"village": village.code}))
        if errors:
            raise ImportRejectedError(errors)

    async def export_table(self, actor: Actor, village_code: str | None) -> list[list[str]]:
        """Return the roster in the import format, header first."""
        require_admin(actor)
        villages = await self._store.places.villages()
        if village_code is not None:
            villages = [v for v in villages if v.code == village_code.upper()]
            if not villages:
                raise NotFoundError(ErrorCode.UNKNOWN_VILLAGE, code=village_code)
        table = [list(EXPORT_COLUMNS)]
        for village in villages:
            table += await _export_village(self._store, village)
        return table


def _by_village(rows: Sequence[NumberedRow]) -> dict[str, list[RosterRow]]:
    grouped: dict[str, list[RosterRow]] = {}
    for numbered in rows:
        grouped.setdefault(numbered.row.village, []).append(numbered.row)
    return grouped


class _VillageImport:
    """Writes one village's validated rows, caching places to keep queries few."""

    def __init__(self, store: Store, code: str, rows: list[RosterRow]) -> None:
        self._store, self._code, self._rows = store, code, rows
        self._grids: dict[str, int] = {}
        self._groups: dict[str, int] = {}
        self._households: dict[str, int] = {}

    async def apply(self, summary: ImportSummary) -> None:
        name = next((r.village_name for r in self._rows if r.village_name), "")
        existing = await self._store.places.village_by_code(self._code)
        village = await self._store.places.save_village(self._code, name or (existing.name if existing else self._code))
        summary.villages += 1
        for row in self._rows:
            await self._apply_row(village.id, row, summary)
        summary.households += len(self._households)

    async def _apply_row(self, village_id: int, row: RosterRow, summary: ImportSummary) -> None:
        fields = PersonFields(
            village_id=village_id, name=row.name, phone=row.phone or None,
            household_id=await self._household(village_id, row),
            group_id=self._groups.get(row.group), grid_id=await self._grid(village_id, row.grid),
        )
        grants = [RoleGrant(g.role, village_id, g.title, RoleSource.ROSTER) for g in row.roles]
        if row.household and not row.has(Role.RESIDENT):
            grants.append(RoleGrant(Role.RESIDENT, village_id, "", RoleSource.ROSTER))
        existing = await self._match(fields)
        if existing is None:
            person_id = await self._store.people.add(fields)
            summary.added += 1
        else:
            person_id = existing.id
            await self._store.people.update(person_id, fields)
            if _differs(existing, fields, grants):
                summary.updated += 1
            else:
                summary.unchanged += 1
        await self._store.people.replace_roles(person_id, RoleSource.ROSTER, grants)

    async def _match(self, fields: PersonFields) -> Person | None:
        if fields.phone:
            found = await self._store.people.by_phone(fields.phone)
            if found is not None:
                return found
        if fields.household_id is not None:
            return await self._store.people.by_name_in_household(fields.household_id, fields.name)
        return None

    async def _grid(self, village_id: int, name: str) -> int | None:
        if not name:
            return None
        if name not in self._grids:
            self._grids[name] = (await self._store.places.save_grid(village_id, name)).id
        return self._grids[name]

    async def _household(self, village_id: int, row: RosterRow) -> int | None:
        if not row.household:
            return None
        if row.group not in self._groups:
            grid_id = await self._grid(village_id, row.grid)
            assert grid_id is not None  # validated: a household row names its grid
            self._groups[row.group] = (await self._store.places.save_group(village_id, grid_id, row.group)).id
        if row.household not in self._households:
            household = await self._store.places.save_household(village_id, self._groups[row.group], row.household)
            self._households[row.household] = household.id
        return self._households[row.household]


def _differs(person: Person, fields: PersonFields, grants: Sequence[RoleGrant]) -> bool:
    """Tell whether the row changes anything the roster holds about the person (their roster roles included)."""
    before = (person.village_id, person.name, person.phone, person.household_id, person.group_id, person.grid_id)
    after = (fields.village_id, fields.name, fields.phone, fields.household_id, fields.group_id, fields.grid_id)
    roster_roles = {(g.role, g.village_id, g.title) for g in person.roles if g.source is RoleSource.ROSTER}
    return before != after or roster_roles != {(g.role, g.village_id, g.title) for g in grants}


async def _export_village(store: Store, village: Village) -> list[list[str]]:
    grids = {g.id: g.name for g in await store.places.grids(village.id)}
    groups = {g.id: g.name for g in await store.places.groups(village.id)}
    households = {h.id: h.label for h in await store.places.households(village.id)}
    rows = []
    for person in await store.people.in_village(village.id):
        own = [g for g in person.roles if g.village_id == village.id]
        rows.append([
            village.code, village.name, grids.get(person.grid_id or 0, ""),
            groups.get(person.group_id or 0, ""), households.get(person.household_id or 0, ""),
            person.name, person.phone or "", role_tokens(own),
        ])
    return rows
