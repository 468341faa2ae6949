"""Villages, grids, groups and households."""

from __future__ import annotations

from sqlalchemy import bindparam, func, select, update

from storage.repository import Repository, new_id
from storage.tables import grids, groups, households, villages
from village.places import Grid, Group, Household, Village


class PlaceRepository(Repository):
    """Reads and writes the place hierarchy; saves are idempotent by natural key."""

    async def village(self, village_id: int) -> Village | None:
        """Return the village with this id."""
        row = (await self._db.execute(select(villages).where(villages.c.id == village_id))).first()
        return Village(row.id, row.code, row.name) if row else None

    async def village_by_code(self, code: str) -> Village | None:
        """Return the village with this code."""
        row = (await self._db.execute(select(villages).where(villages.c.code == code))).first()
        return Village(row.id, row.code, row.name) if row else None

    async def villages(self) -> list[Village]:
        """Return every village by code."""
        rows = await self._db.execute(select(villages).order_by(villages.c.code))
        return [Village(r.id, r.code, r.name) for r in rows]

    async def save_village(self, code: str, name: str) -> Village:
        """Create the village or rename it."""
        existing = await self.village_by_code(code)
        if existing is None:
            result = await self._db.execute(villages.insert().values(code=code, name=name))
            return Village(new_id(result), code, name)
        if existing.name != name:
            await self._db.execute(update(villages).where(villages.c.id == existing.id).values(name=name))
        return Village(existing.id, code, name)

    async def save_grid(self, village_id: int, name: str) -> Grid:
        """Return the village's grid of this name, creating it if needed."""
        query = select(grids.c.id).where(grids.c.village_id == village_id, grids.c.name == name)
        grid_id = (await self._db.execute(query)).scalar()
        if grid_id is None:
            result = await self._db.execute(grids.insert().values(village_id=village_id, name=name))
            grid_id = new_id(result)
        return Grid(grid_id, village_id, name)

    async def save_group(self, village_id: int, grid_id: int, name: str) -> Group:
        """Return the village's group of this name, in `grid_id`, creating or moving it."""
        query = select(groups.c.id, groups.c.grid_id).where(groups.c.village_id == village_id, groups.c.name == name)
        row = (await self._db.execute(query)).first()
        if row is None:
            values = {"village_id": village_id, "grid_id": grid_id, "name": name}
            group_id = new_id(await self._db.execute(groups.insert().values(**values)))
        else:
            group_id = row.id
            if row.grid_id != grid_id:
                await self._db.execute(update(groups).where(groups.c.id == group_id).values(grid_id=grid_id))
        return Group(group_id, village_id, grid_id, name)

    async def save_household(self, village_id: int, group_id: int, label: str) -> Household:
        """Return the village's household with this label, in `group_id`, creating or moving it."""
        query = select(households.c.id, households.c.group_id).where(
            households.c.village_id == village_id, households.c.label == label)
        row = (await self._db.execute(query)).first()
        if row is None:
            values = {"village_id": village_id, "group_id": group_id, "label": label}
            household_id = new_id(await self._db.execute(households.insert().values(**values)))
        else:
            household_id = row.id
            if row.group_id != group_id:
                statement = update(households).where(households.c.id == household_id).values(group_id=group_id)
                await self._db.execute(statement)
        return Household(household_id, village_id, group_id, label)

    async def household(self, household_id: int) -> Household | None:
        """Return the household with this id."""
        row = (await self._db.execute(_HOUSEHOLD, {"household_id": household_id})).first()
        return Household(row.id, row.village_id, row.group_id, row.label) if row else None

    async def households(self, village_id: int) -> list[Household]:
        """Return the village's households in label order."""
        query = select(households).where(households.c.village_id == village_id).order_by(households.c.id)
        return [Household(r.id, r.village_id, r.group_id, r.label) for r in await self._db.execute(query)]

    async def household_count(self, village_id: int) -> int:
        """Return how many households the village has."""
        query = select(func.count()).select_from(households).where(households.c.village_id == village_id)
        return int((await self._db.execute(query)).scalar_one())

    async def households_of_group(self, group_id: int) -> list[Household]:
        """Return the group's households in roster order (by its index: a district's village has hundreds)."""
        query = select(households).where(households.c.group_id == group_id).order_by(households.c.id)
        return [Household(r.id, r.village_id, r.group_id, r.label) for r in await self._db.execute(query)]

    async def grids(self, village_id: int) -> list[Grid]:
        """Return the village's grids."""
        query = select(grids).where(grids.c.village_id == village_id).order_by(grids.c.id)
        return [Grid(r.id, r.village_id, r.name) for r in await self._db.execute(query)]

    async def groups(self, village_id: int) -> list[Group]:
        """Return the village's groups."""
        query = select(groups).where(groups.c.village_id == village_id).order_by(groups.c.id)
        return [Group(r.id, r.village_id, r.grid_id, r.name) for r in await self._db.execute(query)]


_HOUSEHOLD = select(households).where(households.c.id == bindparam("household_id"))  # built once: read per /score
