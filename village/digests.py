"""The monthly rhythm (一月一汇): which month a digest covers, who receives it, and membership figures.

Each capability contributes its own figures for a month through a
`month_figures(village_id, year, month)` method; `month_bounds` gives every one
of them the same local-time month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from village.people import Person
from village.places import Village
from village.roles import Role

if TYPE_CHECKING:
    from village.ports import Store

# Who receives the digest: the village's cadres and its supervision committee.
DIGEST_ROLES = (Role.CADRE, Role.SUPERVISOR)


def month_bounds(year: int, month: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Return the start (inclusive) and end (exclusive) of a local calendar month."""
    start = datetime(year, month, 1, tzinfo=zone)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    return start, end


def previous_month(moment: datetime, zone: ZoneInfo) -> tuple[int, int]:
    """Return (year, month) of the local month before the one `moment` falls in."""
    local = moment.astimezone(zone)
    return (local.year, local.month - 1) if local.month > 1 else (local.year - 1, 12)


@dataclass(frozen=True)
class MembershipFigures:
    """How much of a village uses the bot: households and people on the roster, and those who joined."""

    households: int
    people: int
    joined_people: int
    joined_households: int
    new_people: int  # joined during the month


class DigestService:
    """The villages a digest goes to, its recipients, and the membership figures."""

    def __init__(self, store: Store, zone: ZoneInfo) -> None:
        self._store = store
        self._zone = zone
        self._membership: tuple[tuple[int, int], dict[int, MembershipFigures]] | None = None

    async def villages(self) -> list[Village]:
        """Return every village (each gets its own digest)."""
        return await self._store.places.villages()

    async def recipients(self, village_id: int) -> list[Person]:
        """Return the village's cadres and supervisors."""
        return await self._store.people.with_roles(village_id, [r.value for r in DIGEST_ROLES])

    async def membership(self, village_id: int, year: int, month: int) -> MembershipFigures:
        """Return the village's membership figures at the end of a month (joins counted up to now).

        The digest job asks for every village in turn: the first call counts them all at once, the rest reuse it.
        """
        if self._membership is None or self._membership[0] != (year, month):
            start, end = month_bounds(year, month, self._zone)
            self._membership = (year, month), await self._store.digests.membership(start, end)
        return self._membership[1].get(village_id, MembershipFigures(0, 0, 0, 0, 0))
