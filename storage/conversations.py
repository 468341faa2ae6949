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
_DELETE = delete(conversations).where(conversations.c.identity_id == bindparam("identity_id"))
_COLUMNS = ("flow", "state", "draft", "history", "expires_at", "keyboard_hidden")


class ConversationRepository(Repository):
    """One row per identity in a conversation.

    It lives for one transaction and remembers what `get` (or the arrival's read) found, so that ending a
    conversation nobody had (most updates: /menu, /score) costs no DELETE, and saving one costs one statement.
    """

    def __init__(self, connection: AsyncConnection) -> None:
        super().__init__(connection)
        self._absent: set[int] = set()

    async def get(self, identity_id: int) -> ConversationRecord | None:
        """Return the identity's conversation, expired or not."""
        row = (await self._db.execute(_GET, {"identity_id": identity_id})).first()
        record = record_of(row) if row else None
        self.found(identity_id, record)
        return record

    def found(self, identity_id: int, record: ConversationRecord | None) -> None:
        """Note what a read in this transaction found for the identity: a row, or none."""
        if record is None:
            self._absent.add(identity_id)
        else:
            self._absent.discard(identity_id)

    async def save(self, record: ConversationRecord) -> None:
        """Store the conversation, replacing the identity's previous one (one upsert)."""
        self._absent.discard(record.identity_id)
        statement = self._prepared("save_conversation", self._save_statement)
        await self._db.execute(statement, dict(
            identity_id=record.identity_id, flow=record.flow, state=record.state, draft=dict(record.draft),
            history=[_visit_json(v) for v in record.history], expires_at=record.expires_at,
            keyboard_hidden=record.input_hidden))  # the column keeps its first name

    def _save_statement(self) -> Any:
        statement = self._upsert(conversations).values(
            identity_id=bindparam("identity_id"), **{c: bindparam(c) for c in _COLUMNS})
        return statement.on_conflict_do_update(index_elements=[conversations.c.identity_id],
                                               set_={c: statement.excluded[c] for c in _COLUMNS})

    async def delete(self, identity_id: int) -> None:
        """End the identity's conversation."""
        if identity_id in self._absent:
            return
        await self._db.execute(_DELETE, {"identity_id": identity_id})
        self._absent.add(identity_id)

    async def expired(self, now: datetime, limit: int) -> list[ConversationRecord]:
        """Return conversations whose time ran out."""
        query = select(conversations).where(conversations.c.expires_at <= now).limit(limit)
        return [record_of(r) for r in await self._db.execute(query)]


def record_of(row: Any, *, prefix: str = "") -> ConversationRecord:
    """Return the conversation a row holds (its columns named with `prefix` when joined to others)."""
    def column(name: str) -> Any:
        return getattr(row, prefix + name)

    return ConversationRecord(
        identity_id=column("identity_id"), flow=column("flow"), state=column("state"),
        expires_at=column("expires_at"), draft=column("draft"),
        history=tuple(_visit(v) for v in column("history")), input_hidden=column("keyboard_hidden"),
    )


def _visit_json(visit: Visit) -> dict[str, Any]:
    return {"state": visit.state, "draft": None if visit.draft is None else dict(visit.draft)}


def _visit(stored: Any) -> Visit:
    if isinstance(stored, str):  # saved before drafts were kept per step
        return Visit(stored)
    return Visit(stored["state"], stored["draft"])
