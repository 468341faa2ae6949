"""What every update begins with, in as few statements as the database allows (each is a round trip).

First `arrive`: the update is recorded (a redelivery is found here) and the identity is upserted, which also
locks it until commit on PostgreSQL, so a person's updates take turns across workers. On PostgreSQL both are one
statement, the identity's upsert fed by the update's insert (so the two always lock in that order, and a
redelivered update touches nobody); SQLite, which has no writes inside WITH, runs the two in turn.
Then `whose`, in a statement of its own (under PostgreSQL's READ COMMITTED a statement reads what was committed
when it began: one started before the lock was granted could miss the conversation the previous update saved):
the person with their roles and the identity's conversation.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, exists, literal, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.conversations import ConversationRepository, record_of
from storage.identities import IdentityRepository, identity_of
from storage.jobs import UpdateLog
from storage.people import person_of
from storage.repository import Repository
from storage.tables import conversations, identities, people, processed_updates, roles
from village.conversations import ConversationRecord
from village.people import Identity, Person

_WHOSE = (
    select(people, roles.c.role, roles.c.village_id.label("role_village"), roles.c.title, roles.c.source,
           *(c.label(f"conversation_{c.name}") for c in conversations.c))
    .select_from(identities.outerjoin(conversations, conversations.c.identity_id == identities.c.id)
                 .outerjoin(people, people.c.id == identities.c.person_id)
                 .outerjoin(roles, roles.c.person_id == people.c.id))
    .where(identities.c.id == bindparam("identity_id")).order_by(roles.c.id))


class ArrivalRepository(Repository):
    """The bookkeeping reads and writes at the start of each update."""

    def __init__(self, connection: AsyncConnection, identities: IdentityRepository, updates: UpdateLog,
                 conversations: ConversationRepository) -> None:
        super().__init__(connection)
        self._identities = identities
        self._updates = updates
        self._conversations = conversations

    async def arrive(self, channel: str, external_id: str, *, update_ref: str | None, chat_ref: str, display_name: str,
                     now: datetime) -> Identity | None:
        """Record the update and that its sender wrote now; None when the update was handled before.

        No `update_ref` (an event no channel numbered) is never taken for a redelivery.
        """
        if not update_ref:
            return await self._identities.seen(channel, external_id, chat_ref=chat_ref, display_name=display_name,
                                               now=now)
        if self._db.dialect.name != "postgresql":
            if not await self._updates.first_time(channel, update_ref, now):
                return None
            return await self._identities.seen(channel, external_id, chat_ref=chat_ref, display_name=display_name,
                                               now=now)
        statement = self._prepared("arrive", _arrive_statement)
        values = {"channel": channel, "external_id": external_id, "chat_ref": chat_ref,
                  "display_name": display_name[:100], "now": now, "update_ref": update_ref}
        row = (await self._db.execute(statement, values)).first()
        return identity_of(row) if row else None

    async def whose(self, identity: Identity) -> tuple[Person | None, ConversationRecord | None]:
        """Return the identity's person (with their roles) and conversation, expired or not."""
        rows = (await self._db.execute(_WHOSE, {"identity_id": identity.id})).fetchall()
        first = rows[0]
        record = record_of(first, prefix="conversation_") if first.conversation_identity_id is not None else None
        self._conversations.found(identity.id, record)
        return (person_of(rows) if first.id is not None else None), record


def _arrive_statement() -> Any:
    """Build PostgreSQL's one statement: INSERT the update, and only if it is new, upsert the identity."""
    fresh = (postgresql.insert(processed_updates)
             .values(channel=bindparam("channel"), update_ref=bindparam("update_ref"), at=bindparam("now"))
             .on_conflict_do_nothing().returning(processed_updates.c.update_ref).cte("fresh"))
    now = bindparam("now", type_=identities.c.last_seen.type)
    chosen = select(bindparam("channel", type_=identities.c.channel.type),
                    bindparam("external_id", type_=identities.c.external_id.type),
                    bindparam("chat_ref", type_=identities.c.chat_ref.type),
                    bindparam("display_name", type_=identities.c.display_name.type), now, now,
                    ).where(exists(select(literal(1)).select_from(fresh)))
    columns = ["channel", "external_id", "chat_ref", "display_name", "first_seen", "last_seen"]
    upsert = postgresql.insert(identities).from_select(columns, chosen).add_cte(fresh)
    seen = {"chat_ref": upsert.excluded.chat_ref, "display_name": upsert.excluded.display_name,
            "last_seen": upsert.excluded.last_seen}
    return upsert.on_conflict_do_update(index_elements=[identities.c.channel, identities.c.external_id],
                                        set_=seen).returning(*identities.c)
