"""Invite codes and join requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from storage.repository import Repository, new_id
from storage.tables import invites, join_requests
from village.invites import Invite
from village.joining import JoinRequest, RequestStatus


class InviteRepository(Repository):
    """Household invite codes."""

    async def by_code(self, code: str) -> Invite | None:
        """Return the invite with this code."""
        row = (await self._db.execute(select(invites).where(invites.c.code == code))).first()
        return _invite(row) if row else None

    async def valid_for_household(self, household_id: int, now: datetime) -> Invite | None:
        """Return the household's newest invite that has not expired."""
        query = (select(invites).where(invites.c.household_id == household_id, invites.c.expires_at > now)
                 .order_by(invites.c.expires_at.desc()))
        row = (await self._db.execute(query)).first()
        return _invite(row) if row else None

    async def add(self, code: str, household_id: int, village_id: int, expires_at: datetime) -> Invite:
        """Store a new code."""
        values = {"code": code, "household_id": household_id, "village_id": village_id, "expires_at": expires_at}
        result = await self._db.execute(invites.insert().values(**values))
        return Invite(new_id(result), code, household_id, village_id, expires_at)


class JoinRequestRepository(Repository):
    """Requests to join, by people the roster does not know."""

    async def get(self, request_id: int) -> JoinRequest | None:
        """Return the request with this id."""
        row = (await self._db.execute(select(join_requests).where(join_requests.c.id == request_id))).first()
        return _request(row) if row else None

    async def pending_of_identity(self, identity_id: int) -> JoinRequest | None:
        """Return the identity's undecided request, if any."""
        query = select(join_requests).where(
            join_requests.c.identity_id == identity_id, join_requests.c.status == RequestStatus.PENDING.value)
        row = (await self._db.execute(query)).first()
        return _request(row) if row else None

    async def pending_in_village(self, village_id: int) -> list[JoinRequest]:
        """Return the village's undecided requests, oldest first."""
        query = select(join_requests).where(
            join_requests.c.village_id == village_id, join_requests.c.status == RequestStatus.PENDING.value,
        ).order_by(join_requests.c.id)
        return [_request(r) for r in await self._db.execute(query)]

    async def add(self, identity_id: int, village_id: int, name: str, phone: str | None, now: datetime) -> int:
        """Store a new pending request."""
        result = await self._db.execute(join_requests.insert().values(
            identity_id=identity_id, village_id=village_id, name=name, phone=phone,
            status=RequestStatus.PENDING.value, created_at=now))
        return new_id(result)

    async def decide(
        self, request_id: int, status: RequestStatus, decided_by: int | None, person_id: int | None, now: datetime
    ) -> None:
        """Record the decision."""
        await self._db.execute(update(join_requests).where(join_requests.c.id == request_id).values(
            status=status.value, decided_by=decided_by, person_id=person_id, decided_at=now))


def _invite(row: Any) -> Invite:
    return Invite(row.id, row.code, row.household_id, row.village_id, row.expires_at)


def _request(row: Any) -> JoinRequest:
    return JoinRequest(
        id=row.id, identity_id=row.identity_id, village_id=row.village_id, name=row.name, phone=row.phone,
        status=RequestStatus(row.status), created_at=row.created_at, decided_by=row.decided_by,
        person_id=row.person_id,
    )
