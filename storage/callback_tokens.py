"""Long button payloads stored under a short id, for channels whose buttons carry little data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select

from storage.repository import Repository, new_id
from storage.tables import callback_tokens


class CallbackTokenRepository(Repository):
    """Implements `village.ports.CallbackTokenRepository`."""

    async def issue(self, payload: str, expires_at: datetime) -> int:
        """Store `payload` until `expires_at`; return its id."""
        result = await self._db.execute(insert(callback_tokens).values(payload=payload, expires_at=expires_at))
        return new_id(result)

    async def payload(self, token_id: int, now: datetime) -> str | None:
        """Return the payload stored under `token_id`, unless it is unknown or expired."""
        columns = callback_tokens.c
        query = select(columns.payload).where(columns.id == token_id, columns.expires_at > now)
        return (await self._db.execute(query)).scalar_one_or_none()

    async def purge(self, now: datetime) -> int:
        """Forget payloads expired by `now`; return how many."""
        result = await self._db.execute(delete(callback_tokens).where(callback_tokens.c.expires_at <= now))
        return int(result.rowcount)
