"""Conversation state per identity, so a restart loses nobody's half-finished flow."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.repository import Repository
from storage.tables import conversations
from village.conversations import ConversationRecord, Visit

# Built once: they run for most updates (see Repository._prepared).
_GET = select(conversations).where(conversations.c.identity_id == bindparam("identity_id"))
_INSERT = conversations.insert()
_DELETE = delete(conversations).where(conversations.c.identity_id == bindparam("identity_id"))


class ConversationRepository(Repository):
    """One row per identity in a conversation.

    It lives for one transaction and remembers whom `get` found without a row, so that ending a
    conversation nobody had (most updates: /menu, /score) costs no DELETE; only `save` adds rows.
    """

    def __init__(self, connection: AsyncConnection) -> None:
        super().__init__(connection)
        self._absent: set[int] = set()

    async def get(self, identity_id: int) -> ConversationRecord | None:
        """Return the identity's conversation, expired or not."""
        row = (await self._db.execute(_GET, {"identity_id": identity_id})).first()
        if row is None:
            self._absent.add(identity_id)
        return _record(row) if row else None

    async def save(self, record: ConversationRecord) -> None:
        """Store the conversation, replacing the identity's previous one."""
        await self.delete(record.identity_id)
        self._absent.discard(record.identity_id)
        await self._db.execute(_INSERT, dict(
            identity_id=record.identity_id, flow=record.flow, state=record.state, draft=dict(record.draft),
            history=[_visit_json(v) for v in record.history], expires_at=record.expires_at,
            keyboard_hidden=record.input_hidden))  # the column keeps its first name

    async def delete(self, identity_id: int) -> None:
        """End the identity's conversation."""
        if identity_id in self._absent:
            return
        await self._db.execute(_DELETE, {"identity_id": identity_id})

    async def expired(self, now: datetime, limit: int) -> list[ConversationRecord]:
        """Return conversations whose time ran out."""
        query = select(conversations).where(conversations.c.expires_at <= now).limit(limit)
        return [_record(r) for r in await self._db.execute(query)]


def _record(row: Any) -> ConversationRecord:
    return ConversationRecord(
        identity_id=row.identity_id, flow=row.flow, state=row.state, expires_at=row.expires_at,
        draft=row.draft, history=tuple(_visit(v) for v in row.history), input_hidden=row.keyboard_hidden,
    )


def _visit_json(visit: Visit) -> dict[str, Any]:
    return {"state": visit.state, "draft": None if visit.draft is None else dict(visit.draft)}


def _visit(stored: Any) -> Visit:
    if isinstance(stored, str):  # saved before drafts were kept per step
        return Visit(stored)
    return Visit(stored["state"], stored["draft"])
