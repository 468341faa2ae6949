"""Family invites and links (亲情代办)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from storage.repository import Repository, new_id
from storage.tables import family_invites, family_links, people
from village.family.models import FamilyInvite, FamilyLink, LinkStatus, Relation

_SLICE = 5000


class FamilyRepository(Repository):
    """Implements `village.family.ports.FamilyRepository`."""

    async def add_invite(self, code: str, household_id: int, village_id: int, created_by: int | None,
                         now: datetime, expires_at: datetime) -> FamilyInvite:
        """Store a new one-use code."""
        result = await self._db.execute(family_invites.insert().values(
            code=code, household_id=household_id, village_id=village_id, created_by=created_by,
            created_at=now, expires_at=expires_at))
        return FamilyInvite(new_id(result), code, household_id, village_id, created_by, expires_at)

    async def invite_by_code(self, code: str) -> FamilyInvite | None:
        """Return the invite with this code."""
        row = (await self._db.execute(select(family_invites).where(family_invites.c.code == code))).first()
        return _invite(row) if row else None

    async def use_invite(self, invite_id: int, now: datetime) -> bool:
        """Mark the code used, unless someone used it first (two relatives opening one code)."""
        result = await self._db.execute(update(family_invites).where(
            family_invites.c.id == invite_id, family_invites.c.used_at.is_(None)).values(used_at=now))
        return bool(result.rowcount)

    async def add_link(self, invite: FamilyInvite, identity_id: int, name: str, relation: Relation,
                       now: datetime) -> int:
        """Store a pending link asked for through `invite`."""
        result = await self._db.execute(family_links.insert().values(
            household_id=invite.household_id, village_id=invite.village_id, identity_id=identity_id,
            invite_id=invite.id, name=name, relation=relation.value, status=LinkStatus.PENDING.value,
            invited_by=invite.created_by, created_at=now))
        return new_id(result)

    async def link(self, link_id: int) -> FamilyLink | None:
        """Return the link with this id."""
        row = (await self._db.execute(select(family_links).where(family_links.c.id == link_id))).first()
        return _link(row) if row else None

    async def links_of_household(self, household_id: int, statuses: Sequence[LinkStatus]) -> list[FamilyLink]:
        """Return the household's links in these states, oldest first."""
        query = select(family_links).where(
            family_links.c.household_id == household_id,
            family_links.c.status.in_([s.value for s in statuses])).order_by(family_links.c.id)
        return [_link(r) for r in await self._db.execute(query)]

    async def pending_of_identity(self, identity_id: int) -> FamilyLink | None:
        """Return the account's link still awaiting confirmation."""
        query = select(family_links).where(family_links.c.identity_id == identity_id,
                                           family_links.c.status == LinkStatus.PENDING.value)
        row = (await self._db.execute(query)).first()
        return _link(row) if row else None

    async def active_of_person(self, person_id: int) -> FamilyLink | None:
        """Return the person's active link."""
        query = select(family_links).where(family_links.c.person_id == person_id,
                                           family_links.c.status == LinkStatus.ACTIVE.value)
        row = (await self._db.execute(query)).first()
        return _link(row) if row else None

    async def reaching(self, person_ids: Sequence[int]) -> list[tuple[int, FamilyLink]]:
        """Return (person, link) for each active link of the households of `person_ids` (a message's fan-out).

        Asked in slices, so that a broadcast to a whole village stays within SQLite's parameter limit.
        """
        found: list[tuple[int, FamilyLink]] = []
        for start in range(0, len(person_ids), _SLICE):
            query = (select(people.c.id.label("member_id"), family_links)
                     .join(family_links, family_links.c.household_id == people.c.household_id)
                     .where(people.c.id.in_(person_ids[start:start + _SLICE]),
                            family_links.c.status == LinkStatus.ACTIVE.value)
                     .order_by(people.c.id, family_links.c.id))
            found += [(row.member_id, _link(row)) for row in await self._db.execute(query)]
        return found

    async def confirm(self, link_id: int, person_id: int, by: int | None, now: datetime) -> bool:
        """Make a pending link active, bound to the new person."""
        result = await self._db.execute(update(family_links).where(
            family_links.c.id == link_id, family_links.c.status == LinkStatus.PENDING.value,
        ).values(status=LinkStatus.ACTIVE.value, person_id=person_id, confirmed_by=by, confirmed_at=now))
        return bool(result.rowcount)

    async def remove(self, link_id: int, expected: LinkStatus, by: int | None, now: datetime) -> bool:
        """End a link still in `expected` state."""
        result = await self._db.execute(update(family_links).where(
            family_links.c.id == link_id, family_links.c.status == expected.value,
        ).values(status=LinkStatus.REMOVED.value, removed_by=by, removed_at=now))
        return bool(result.rowcount)


def _invite(row: Any) -> FamilyInvite:
    return FamilyInvite(row.id, row.code, row.household_id, row.village_id, row.created_by, row.expires_at,
                        row.used_at)


def _link(row: Any) -> FamilyLink:
    return FamilyLink(
        id=row.id, household_id=row.household_id, village_id=row.village_id, identity_id=row.identity_id,
        name=row.name, relation=Relation(row.relation), status=LinkStatus(row.status), invited_by=row.invited_by,
        created_at=row.created_at, person_id=row.person_id, confirmed_by=row.confirmed_by,
        confirmed_at=row.confirmed_at, removed_by=row.removed_by, removed_at=row.removed_at)
