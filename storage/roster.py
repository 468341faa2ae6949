"""The roster import's bulk writes: whole villages of places, people and roles in a few statements.

Row-by-row writes held SQLite's write lock for 14 s per 3,000 people; these keep it to a fraction of a second
for the same file (see bench/roster.py). On SQLite many-row statements go through SQLAlchemy's executemany, which
batches INSERTs into multi-row VALUES. On PostgreSQL asyncpg's executemany sends one prepared INSERT per row (a
district of 300,000 people took 95 s), so new people go in by COPY and roles by one INSERT of unnested arrays
(a multi-row VALUES costs SQLAlchemy more to compile than the database to run), still inside the import's one
transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import Table, bindparam, delete, insert, literal, select, text, update

from storage.repository import Repository
from storage.tables import grids, groups, households, people, roles
from village.people import PersonFields
from village.roles import Role, RoleGrant, RoleSource
from village.roster.writes import PhoneHolder, RosterFacts

_CHUNK = 1000  # ids per IN (...) list: well under SQLite's 32,766 bound parameters
# Every new role in one statement: a list per column (on conflict, as on SQLite, a role already held is skipped).
_ROLES_FROM_ARRAYS = text(
    "INSERT INTO roles (person_id, role, village_id, title, source) "
    "SELECT * FROM unnest(CAST(:person_id AS INTEGER[]), CAST(:role AS VARCHAR[]), CAST(:village_id AS INTEGER[]), "
    "CAST(:title AS VARCHAR[]), CAST(:source AS VARCHAR[])) ON CONFLICT DO NOTHING")
T = TypeVar("T")


class RosterRepository(Repository):
    """Bulk reads and writes for importing a roster inside one transaction."""

    async def phone_holders(self, phones: Collection[str]) -> dict[str, PhoneHolder]:
        """Return who holds each of `phones` today, in any village."""
        holders: dict[str, PhoneHolder] = {}
        # One statement built once, its list bound at each run: `in_(chunk)` built a parameter object per phone.
        query = select(people.c.phone, people.c.id, people.c.village_id).where(
            people.c.phone.in_(bindparam("phones", expanding=True)))
        for chunk in _chunks(sorted(phones)):
            rows = (await self._db.execute(query, {"phones": list(chunk)})).all()
            holders.update({phone: PhoneHolder(person_id, village_id) for phone, person_id, village_id in rows})
        return holders

    async def save_grids(self, village_id: int, names: Collection[str]) -> dict[str, int]:
        """Create the village's missing grids; return every grid's id by name."""
        known = await self._ids(grids, "name", village_id)
        await self._insert(grids, [{"village_id": village_id, "name": n} for n in names if n not in known])
        return await self._ids(grids, "name", village_id)

    async def save_groups(self, village_id: int, grid_of: Mapping[str, int]) -> dict[str, int]:
        """Create or move the village's groups (name -> grid id); return every group's id by name."""
        return await self._save_children(groups, "name", "grid_id", village_id, grid_of)

    async def save_households(self, village_id: int, group_of: Mapping[str, int]) -> dict[str, int]:
        """Create or move the village's households (label -> group id); return every household's id by label."""
        return await self._save_children(households, "label", "group_id", village_id, group_of)

    async def members(self, village_id: int) -> dict[tuple[int, str], int]:
        """Return the village's people by (household id, name); the oldest wins when two share both."""
        query = (select(people.c.id, people.c.household_id, people.c.name)
                 .where(people.c.village_id == village_id, people.c.household_id.is_not(None))
                 .order_by(people.c.id.desc()))
        return {(household_id, name): person_id for person_id, household_id, name in
                (await self._db.execute(query)).all()}

    async def roster_facts(self, village_id: int) -> dict[int, RosterFacts]:
        """Return the village's people with their roster roles, to tell a changed row from an unchanged one."""
        grants: dict[int, set[tuple[Role, int | None, str]]] = {}
        query = (select(roles.c.person_id, roles.c.role, roles.c.village_id, roles.c.title)
                 .join(people, people.c.id == roles.c.person_id)
                 .where(people.c.village_id == village_id, roles.c.source == RoleSource.ROSTER.value))
        for person_id, role, role_village, title in (await self._db.execute(query)).all():
            grants.setdefault(person_id, set()).add((_ROLES[role], role_village, title))
        query = select(people.c.id, *(people.c[name] for name in _PERSON_COLUMNS)).where(
            people.c.village_id == village_id)
        held = {person_id: frozenset(found) for person_id, found in grants.items()}
        none: frozenset[tuple[Role, int | None, str]] = frozenset()
        return {row[0]: RosterFacts(PersonFields._make(row[1:]), held.get(row[0], none))
                for row in (await self._db.execute(query)).all()}

    async def add_people(self, fields: Sequence[PersonFields]) -> list[int]:
        """Insert people; return their new ids in the same order.

        The ids are read back by natural key (phone, else household and name: the import never adds two people
        sharing one) because SQLite cannot return ids of a many-row insert in order, and SQLAlchemy then falls
        back to one INSERT per row (20 times slower).
        """
        if not fields:
            return []
        records = list(fields)  # PersonFields are tuples in the columns' order
        if self._postgres:
            await self._copy(people, _PERSON_COLUMNS, records)
        else:  # the driver's own executemany: SQLAlchemy's costs more per row than SQLite's insert
            await self._db.exec_driver_sql(_INSERT_PEOPLE, records)
        query = (select(people.c.id, people.c.phone, people.c.household_id, people.c.name)
                 .where(people.c.village_id.in_({f.village_id for f in fields})).order_by(people.c.id))
        by_phone: dict[str, int] = {}
        by_member: dict[tuple[int | None, str], int] = {}
        for person_id, phone, household_id, name in (await self._db.execute(query)).all():
            if phone:
                by_phone[phone] = person_id
            by_member[(household_id, name)] = person_id  # the newest wins: ordered by id
        return [by_phone[f.phone] if f.phone else by_member[(f.household_id, f.name)] for f in fields]

    async def update_people(self, changes: Mapping[int, PersonFields]) -> None:
        """Overwrite the roster facts of existing people (person id -> fields)."""
        if not changes:
            return
        if not self._postgres:
            await self._db.exec_driver_sql(_UPDATE_PEOPLE, [(*f, i) for i, f in changes.items()])
            return
        # Bound names must differ from the columns they set (SQLAlchemy reserves those): prefix them.
        statement = update(people).where(people.c.id == bindparam("p_id")).values(
            {name: bindparam(f"p_{name}") for name in _PERSON_COLUMNS})
        names = [f"p_{name}" for name in _PERSON_COLUMNS]
        await self._db.execute(statement, [{"p_id": i, **dict(zip(names, f, strict=True))}
                                           for i, f in changes.items()])

    async def clear_roles(self, person_ids: Collection[int], source: RoleSource) -> None:
        """Remove the grants that came from `source` of these people."""
        for chunk in _chunks(sorted(person_ids)):
            await self._db.execute(delete(roles).where(roles.c.person_id.in_(chunk), roles.c.source == source.value))

    async def add_roles(self, grants: Sequence[tuple[int, RoleGrant]]) -> None:
        """Add grants (person id, grant), skipping any a person already holds."""
        if not grants:
            return
        records = [(person_id, g.role.value, g.village_id, g.title, g.source.value) for person_id, g in grants]
        if self._postgres:
            columns = dict(zip(_ROLE_COLUMNS, map(list, zip(*records, strict=True)), strict=True))
            await self._db.execute(_ROLES_FROM_ARRAYS, columns)
        else:
            await self._db.exec_driver_sql(_INSERT_ROLES, records)

    @property
    def _postgres(self) -> bool:
        return self._db.dialect.name == "postgresql"

    async def _copy(self, table: Table, columns: Sequence[str], records: Sequence[tuple[Any, ...]]) -> None:
        """Write rows with PostgreSQL's COPY, through asyncpg's connection under this one, in this transaction."""
        # SQLAlchemy's asyncpg adapter opens its transaction at the first statement it runs: run one, so that
        # the COPY is inside it (and rolled back with the rest when a later row is refused).
        await self._db.execute(select(literal(1)))
        raw = await self._db.get_raw_connection()
        await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
            table.name, columns=list(columns), records=records)

    async def _ids(self, table: Table, key: str, village_id: int) -> dict[str, int]:
        query = select(table.c.id, table.c[key]).where(table.c.village_id == village_id)
        return {key: row_id for row_id, key in (await self._db.execute(query)).all()}

    async def _save_children(self, table: Table, key: str, parent: str, village_id: int,
                             parent_of: Mapping[str, int]) -> dict[str, int]:
        query = select(table.c.id, table.c[key], table.c[parent]).where(table.c.village_id == village_id)
        known = {key: (row_id, parent_id) for row_id, key, parent_id in (await self._db.execute(query)).all()}
        await self._insert(table, [{"village_id": village_id, key: k, parent: p}
                                   for k, p in parent_of.items() if k not in known])
        moves = [{"row_id": known[k][0], "parent": p} for k, p in parent_of.items() if k in known and known[k][1] != p]
        if moves:
            statement = update(table).where(table.c.id == bindparam("row_id")).values({parent: bindparam("parent")})
            await self._db.execute(statement, moves)
        return await self._ids(table, key, village_id)

    async def _insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if rows:
            await self._db.execute(insert(table), rows)


_PERSON_COLUMNS = ("village_id", "name", "phone", "household_id", "group_id", "grid_id")  # PersonFields' order
_ROLES = {role.value: role for role in Role}  # Role(value) costs microseconds a row
_ROLE_COLUMNS = ("person_id", "role", "village_id", "title", "source")
# SQLite's bulk statements, run through the driver's executemany with one tuple a row.
_INSERT_PEOPLE = f"INSERT INTO people ({', '.join(_PERSON_COLUMNS)}) VALUES ({', '.join('?' * len(_PERSON_COLUMNS))})"
_UPDATE_PEOPLE = f"UPDATE people SET {', '.join(f'{c} = ?' for c in _PERSON_COLUMNS)} WHERE id = ?"
_INSERT_ROLES = (f"INSERT INTO roles ({', '.join(_ROLE_COLUMNS)}) VALUES ({', '.join('?' * len(_ROLE_COLUMNS))}) "
                 "ON CONFLICT DO NOTHING")


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]
