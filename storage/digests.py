"""Figures for the monthly digest that belong to no single capability: who uses the bot."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, func, select

from storage.repository import Repository
from storage.tables import households, identities, people
from village.digests import MembershipFigures


class DigestRepository(Repository):
    """Counts over places, people and their channel accounts."""

    async def membership(self, start: datetime, end: datetime) -> dict[int, MembershipFigures]:
        """Count, per village: households and people, those with an account, and accounts first seen in [start, end).

        Three grouped queries over the district (not three per village: 268 villages made that the digest's
        slowest part); a village without people is absent.
        """
        household_counts = {int(r[0]): int(r[1]) for r in await self._db.execute(
            select(households.c.village_id, func.count()).group_by(households.c.village_id))}
        people_counts = {int(r[0]): int(r[1]) for r in await self._db.execute(
            select(people.c.village_id, func.count()).group_by(people.c.village_id))}
        new = case((and_(identities.c.first_seen >= start, identities.c.first_seen < end), people.c.id))
        joined = (select(people.c.village_id, func.count(func.distinct(people.c.id)),
                         func.count(func.distinct(people.c.household_id)), func.count(func.distinct(new)))
                  .join(identities, identities.c.person_id == people.c.id).group_by(people.c.village_id))
        joins = {row[0]: (int(row[1]), int(row[2]), int(row[3])) for row in await self._db.execute(joined)}
        return {village: MembershipFigures(household_counts.get(village, 0), count, *joins.get(village, (0, 0, 0)))
                for village, count in people_counts.items()}
