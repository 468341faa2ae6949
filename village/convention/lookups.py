"""Loading what every convention service needs, refusing what is missing or in another village."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from village.clock import Clock
from village.convention.models import Convention
from village.convention.periods import Period
from village.errors import ErrorCode, InvalidInputError, NotFoundError
from village.people import Actor, Person
from village.places import Group, Household, Village
from village.roles import Role

if TYPE_CHECKING:
    from village.ports import Store


class Lookups:
    """Reads shared by the convention's services, bound to one transaction."""

    def __init__(self, store: Store, clock: Clock, zone: ZoneInfo) -> None:
        self._store = store
        self._clock = clock
        self._zone = zone

    def today(self) -> date:
        """Return today's date in the village's timezone."""
        return self._clock.now().astimezone(self._zone).date()

    async def village(self, village_id: int) -> Village:
        """Return the village."""
        village = await self._store.places.village(village_id)
        if village is None:
            raise NotFoundError()
        return village

    async def village_by_code(self, code: str) -> Village:
        """Return the village with this code."""
        village = await self._store.places.village_by_code(code.strip().upper())
        if village is None:
            raise NotFoundError(ErrorCode.UNKNOWN_VILLAGE, code=code)
        return village

    async def convention(self, village_id: int) -> Convention:
        """Return the village's convention in force; refuse when it has none."""
        convention = await self._store.conventions.current(village_id)
        if convention is None:
            raise NotFoundError(ErrorCode.NO_CONVENTION)
        return convention

    async def version(self, convention_id: int) -> Convention:
        """Return one stored version of a convention."""
        convention = await self._store.conventions.get(convention_id)
        if convention is None:
            raise NotFoundError(ErrorCode.NO_CONVENTION)
        return convention

    async def group(self, village_id: int, group_id: int) -> Group:
        """Return the group if it belongs to the village."""
        found = next((g for g in await self._store.places.groups(village_id) if g.id == group_id), None)
        if found is None:
            raise NotFoundError()
        return found

    async def group_for(self, actor: Actor, group_id: int) -> Group:
        """Return a group within the acting person's village; an operator reaches every village."""
        if actor.person is not None:
            return await self.group(actor.person.village_id, group_id)
        for village in await self._store.places.villages():
            found = next((g for g in await self._store.places.groups(village.id) if g.id == group_id), None)
            if found is not None:
                return found
        raise NotFoundError()

    async def group_named(self, village_id: int, name: str) -> Group:
        """Return the village's group called `name`."""
        found = next((g for g in await self._store.places.groups(village_id) if g.name == name.strip()), None)
        if found is None:
            raise NotFoundError(ErrorCode.CONVENTION_UNKNOWN_GROUP, name=name)
        return found

    async def household(self, household_id: int) -> Household:
        """Return the household."""
        household = await self._store.places.household(household_id)
        if household is None:
            raise NotFoundError()
        return household

    async def households_of(self, group: Group) -> list[Household]:
        """Return the group's households in roster order."""
        return await self._store.places.households_of_group(group.id)

    async def heads(self, household_id: int) -> list[Person]:
        """Return the household heads; every member when the roster names no head."""
        members = await self._store.people.in_household(household_id)
        heads = [m for m in members if any(g.role is Role.HOUSEHOLD_HEAD for g in m.roles)]
        return heads or members

    def period(self, code: str, convention: Convention, *, allow_future: bool = False) -> Period:
        """Parse a period code; refuse one of the wrong kind for the village, or (usually) in the future."""
        try:
            period = Period.parse(code)
        except ValueError:
            raise InvalidInputError(ErrorCode.CONVENTION_WRONG_PERIOD, value=code) from None
        if period.kind is not convention.period_kind:
            raise InvalidInputError(ErrorCode.CONVENTION_WRONG_PERIOD, value=code)
        if not allow_future and period > Period.of(self.today(), convention.period_kind):
            raise InvalidInputError(ErrorCode.CONVENTION_WRONG_PERIOD, value=code)
        return period
