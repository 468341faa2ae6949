"""Figures for the monthly digest that belong to no single capability: who uses the bot."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from storage.repository import Repository
from storage.tables import households, identities, people
from village.digests import MembershipFigures


class DigestRepository(Repository):
    """Counts over places, people and their channel accounts."""

    async def membership(self, village_id: int, start: datetime, end: datetime) -> MembershipFigures:
        """Count households and people, those with an account, and accounts first seen in [start, end)."""
        joined = select(people.c.id, people.c.household_id, identities.c.first_seen).join(
            identities, identities.c.person_id == people.c.id).where(people.c.village_id == village_id).subquery()
        counts = select(
            select(func.count()).select_from(households).where(households.c.village_id == village_id)
            .scalar_subquery(),
            select(func.count()).select_from(people).where(people.c.village_id == village_id).scalar_subquery(),
            select(func.count(func.distinct(joined.c.id))).scalar_subquery(),
            select(func.count(func.distinct(joined.c.household_id))).scalar_subquery(),
            select(func.count(func.distinct(joined.c.id)))
            .where(joined.c.first_seen >= start, joined.c.first_seen < end).scalar_subquery(),
        )
        row = (await self._db.execute(counts)).one()
        return MembershipFigures(*(int(v or 0) for v in row))
