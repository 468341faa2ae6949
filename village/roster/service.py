"""Roster import and export: write validated rows, matching people so nothing duplicates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from village.audit import AuditService
from village.errors import ErrorCode, ImportRejectedError, NotFoundError, RowError
from village.people import Actor
from village.permissions import require_admin
from village.places import Village
from village.ports import Store
from village.roster.rows import EXPORT_COLUMNS, ImportSummary, NumberedRow, RosterRow, parse_rows, role_tokens
from village.roster.writes import PhoneHolder, write_village

AUDIT_TARGET_LIMIT = 128  # the audit log's target column; PostgreSQL enforces it (a district has ~100 villages)


class RosterService:
    """Import and export the roster (admins and operators only)."""

    def __init__(self, store: Store, audit: AuditService) -> None:
        self._store = store
        self._audit = audit

    async def import_table(self, actor: Actor, table: Sequence[Sequence[Any]]) -> ImportSummary:
        """Validate every row, then write it all (see `import_rows`).

        Raises:
            ImportRejectedError: any bad row; nothing was written.
        """
        require_admin(actor)
        return await self.import_rows(actor, parse_rows(table))

    async def import_rows(self, actor: Actor, rows: Sequence[NumberedRow]) -> ImportSummary:
        """Check phones against other villages, then write validated rows in bulk.

        Callers validate with `parse_rows` before opening the transaction, so that SQLite's write lock
        is held only for the writing.

        Raises:
            ImportRejectedError: a phone belongs to someone in another village; nothing was written.
        """
        require_admin(actor)
        holders = await self._store.roster.phone_holders({n.row.phone for n in rows if n.row.phone})
        await self._check_phones_elsewhere(rows, holders)
        summary = ImportSummary()
        phones_of: dict[int, dict[str, int]] = {}  # village id -> phone -> its holder there
        for phone, holder in holders.items():
            phones_of.setdefault(holder.village_id, {})[phone] = holder.person_id
        for code, village_rows in _by_village(rows).items():
            village = await self._save_village(code, village_rows)
            await write_village(self._store.roster, village.id, village_rows, phones_of.get(village.id, {}), summary)
            summary.villages += 1
            summary.touched_villages.append(code)
        codes = ",".join(summary.touched_villages)
        await self._audit.record(actor, None, "roster.import",
                                 codes if len(codes) <= AUDIT_TARGET_LIMIT else f"{summary.villages} villages",
                                 after={"added": summary.added, "updated": summary.updated,
                                        "unchanged": summary.unchanged, "villages": summary.touched_villages})
        return summary

    async def _save_village(self, code: str, rows: Sequence[RosterRow]) -> Village:
        name = next((r.village_name for r in rows if r.village_name), "")
        existing = await self._store.places.village_by_code(code)
        return await self._store.places.save_village(code, name or (existing.name if existing else code))

    async def _check_phones_elsewhere(self, rows: Sequence[NumberedRow], holders: Mapping[str, PhoneHolder]) -> None:
        codes = {v.id: v.code for v in await self._store.places.villages()}
        errors = [RowError(n.number, ErrorCode.ROW_PHONE_ELSEWHERE, {"village": codes[holder.village_id]})
                  for n in rows if (holder := holders.get(n.row.phone)) and codes[holder.village_id] != n.row.village]
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


async def _export_village(store: Store, village: Village) -> list[list[str]]:
    grids = {g.id: g.name for g in await store.places.grids(village.id)}
    groups = {g.id: g.name for g in await store.places.groups(village.id)}
    households = {h.id: h.label for h in await store.places.households(village.id)}
    rows = []
    for person in await store.people.in_village(village.id):
        if person.is_family:  # relatives are linked in chat (亲情代办), not kept in the roster
            continue
        own = [g for g in person.roles if g.village_id == village.id]
        rows.append([
            village.code, village.name, grids.get(person.grid_id or 0, ""),
            groups.get(person.group_id or 0, ""), households.get(person.household_id or 0, ""),
            person.name, person.phone or "", role_tokens(own),
        ])
    return rows
