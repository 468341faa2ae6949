"""People and their role grants."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.sql import Select

from storage.repository import Repository, new_id
from storage.tables import people, roles
from village.people import Person, PersonFields
from village.roles import Role, RoleGrant, RoleSource

# Built once: it runs for every update (see Repository._prepared).
_PERSON_WITH_ROLES = (
    select(people, roles.c.role, roles.c.village_id.label("role_village"), roles.c.title, roles.c.source)
    .outerjoin(roles, roles.c.person_id == people.c.id).where(people.c.id == bindparam("person_id"))
    .order_by(roles.c.id))


class PeopleRepository(Repository):
    """Persons, always returned with their roles."""

    async def get(self, person_id: int) -> Person | None:
        """Return the person with this id, with their roles in the same query (it runs for every update)."""
        rows = (await self._db.execute(_PERSON_WITH_ROLES, {"person_id": person_id})).fetchall()
        return person_of(rows) if rows else None

    async def by_phone(self, phone: str) -> Person | None:
        """Return the person with this normalised phone."""
        found = await self._people(select(people).where(people.c.phone == phone))
        return found[0] if found else None

    async def by_name_in_household(self, household_id: int, name: str) -> Person | None:
        """Return the household member with this name."""
        query = select(people).where(people.c.household_id == household_id, people.c.name == name)
        found = await self._people(query)
        return found[0] if found else None

    async def in_household(self, household_id: int) -> list[Person]:
        """Return the household's members."""
        return await self._people(select(people).where(people.c.household_id == household_id))

    async def in_village(self, village_id: int) -> list[Person]:
        """Return every member of the village."""
        return await self._people(select(people).where(people.c.village_id == village_id))

    async def many(self, person_ids: Sequence[int]) -> list[Person]:
        """Return the people with these ids (those that exist), by id."""
        found: list[Person] = []
        for chunk in _chunks(sorted(set(person_ids)), 500):
            found += await self._people(select(people).where(people.c.id.in_(chunk)))
        return found

    async def with_roles(self, village_id: int, role_names: Sequence[str]) -> list[Person]:
        """Return the people holding one of `role_names` in the village."""
        holders = select(roles.c.person_id).where(roles.c.village_id == village_id, roles.c.role.in_(role_names))
        return await self._people(select(people).where(people.c.id.in_(holders)))

    async def add(self, fields: PersonFields) -> int:
        """Insert a person and return the new id."""
        result = await self._db.execute(people.insert().values(**_values(fields)))
        return new_id(result)

    async def update(self, person_id: int, fields: PersonFields) -> None:
        """Overwrite a person's roster facts."""
        await self._db.execute(update(people).where(people.c.id == person_id).values(**_values(fields)))

    async def replace_roles(self, person_id: int, source: RoleSource, grants: Sequence[RoleGrant]) -> None:
        """Replace the person's grants that came from `source` with `grants`."""
        await self._db.execute(delete(roles).where(roles.c.person_id == person_id, roles.c.source == source.value))
        for grant in grants:
            await self.grant(person_id, grant)

    async def grant(self, person_id: int, grant: RoleGrant) -> bool:
        """Add a grant; return False when the person already held that role there."""
        if grant.village_id is None and await self._holds_everywhere(person_id, grant.role):
            return False  # NULLs never collide in a unique index, so check by hand
        return await self._insert_ignore(roles, {
            "person_id": person_id, "role": grant.role.value, "village_id": grant.village_id,
            "title": grant.title, "source": grant.source.value,
        })

    async def _holds_everywhere(self, person_id: int, role: Role) -> bool:
        query = select(roles.c.id).where(
            roles.c.person_id == person_id, roles.c.role == role.value, roles.c.village_id.is_(None))
        return (await self._db.execute(query)).first() is not None

    async def revoke(self, person_id: int, grant: RoleGrant) -> bool:
        """Remove a grant; return whether there was one."""
        scope = roles.c.village_id.is_(None) if grant.village_id is None else roles.c.village_id == grant.village_id
        statement = delete(roles).where(roles.c.person_id == person_id, roles.c.role == grant.role.value, scope)
        return bool((await self._db.execute(statement)).rowcount)

    async def _people(self, query: Select[Any]) -> list[Person]:
        rows = (await self._db.execute(query.order_by(people.c.id))).fetchall()
        grants = await self._grants([r.id for r in rows])
        return [
            Person(id=r.id, village_id=r.village_id, name=r.name, phone=r.phone, household_id=r.household_id,
                   group_id=r.group_id, grid_id=r.grid_id, roles=tuple(grants.get(r.id, ())))
            for r in rows
        ]

    async def _grants(self, person_ids: list[int]) -> dict[int, list[RoleGrant]]:
        grants: dict[int, list[RoleGrant]] = {}
        for chunk in _chunks(person_ids, 500):
            query = select(roles).where(roles.c.person_id.in_(chunk)).order_by(roles.c.id)
            for r in await self._db.execute(query):
                grant = RoleGrant(Role(r.role), r.village_id, r.title, RoleSource(r.source))
                grants.setdefault(r.person_id, []).append(grant)
        return grants


def person_of(rows: Sequence[Any]) -> Person:
    """Return the person that rows of people outer-joined to their roles hold (one row per role, or one without)."""
    first = rows[0]
    grants = tuple(RoleGrant(Role(r.role), r.role_village, r.title, RoleSource(r.source)) for r in rows
                   if r.role is not None)
    return Person(id=first.id, village_id=first.village_id, name=first.name, phone=first.phone,
                  household_id=first.household_id, group_id=first.group_id, grid_id=first.grid_id, roles=grants)


def _values(fields: PersonFields) -> dict[str, Any]:
    return {
        "village_id": fields.village_id, "name": fields.name, "phone": fields.phone,
        "household_id": fields.household_id, "group_id": fields.group_id, "grid_id": fields.grid_id,
    }


def _chunks(items: list[int], size: int) -> list[list[int]]:
    return [items[i:i + size] for i in range(0, len(items), size)]
