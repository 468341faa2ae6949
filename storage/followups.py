"""The follow-up list's reads and marks: important outbox rows not delivered, with their person."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from storage.repository import Repository
from storage.tables import households, identities, outbox, people, unreached_messages
from village.followups import UNDELIVERED, Addressee, Undelivered
from village.outbox import MessageKind, OutboxStatus

_CHUNK = 500
_SEPARATOR = ">i"  # the Notifier keys each account's copy `<key>>i<identity>`


class FollowUpRepository(Repository):
    """Reads by the index on (important, status); a person's village scopes every read."""

    async def candidates(self, village_id: int, person_id: int | None = None) -> list[tuple[Addressee, Undelivered]]:
        """Return the village's important undelivered rows not yet followed up, with their addressee."""
        since = func.coalesce(outbox.c.parked_at, outbox.c.sent_at, outbox.c.claimed_at, outbox.c.created_at)
        query = (
            select(outbox.c.id, outbox.c.key, outbox.c.kind, outbox.c.important, outbox.c.status,
                   since.label("since"), identities.c.unreachable_since, people.c.id.label("person_id"),
                   people.c.name, people.c.phone, households.c.label.label("household"))
            .join(identities, identities.c.id == outbox.c.identity_id)
            .join(people, people.c.id == identities.c.person_id)
            .outerjoin(households, households.c.id == people.c.household_id)
            .where(outbox.c.important.is_(True), outbox.c.status.in_([s.value for s in UNDELIVERED]),
                   outbox.c.contacted_at.is_(None), people.c.village_id == village_id)
            .order_by(outbox.c.id)
        )
        if person_id is not None:
            query = query.where(people.c.id == person_id)
        rows = (await self._db.execute(query)).fetchall()
        delivered = await self._delivered(sorted({r.person_id for r in rows}))
        found = [_candidate(r, (r.person_id, _base(r.key)) in delivered) for r in rows]
        return found + await self._unqueued(village_id, person_id)

    async def mark_contacted(self, message_ids: Sequence[int], unqueued_ids: Sequence[int], now: datetime) -> None:
        """Take the messages off the list: a cadre reached the person."""
        for table, ids in ((outbox, list(message_ids)), (unreached_messages, list(unqueued_ids))):
            for start in range(0, len(ids), _CHUNK):
                await self._db.execute(update(table).where(table.c.id.in_(ids[start:start + _CHUNK]))
                                       .values(contacted_at=now))

    async def add_unreached(self, person_ids: Sequence[int], key: str, kind: MessageKind, now: datetime) -> None:
        """Record an important message for people with no account; a key recorded before is skipped."""
        rows = [{"key": f"{key}>p{p}", "person_id": p, "kind": kind.value, "created_at": now}
                for p in sorted(set(person_ids))]
        for start in range(0, len(rows), _CHUNK):
            await self._db.execute(self._insert_or_skip(unreached_messages), rows[start:start + _CHUNK])

    async def _unqueued(self, village_id: int, person_id: int | None) -> list[tuple[Addressee, Undelivered]]:
        """Return the village's important messages nobody could get (no account), not yet followed up."""
        query = (
            select(unreached_messages.c.id, unreached_messages.c.kind, unreached_messages.c.created_at,
                   people.c.id.label("person_id"), people.c.name, people.c.phone,
                   households.c.label.label("household"))
            .join(people, people.c.id == unreached_messages.c.person_id)
            .outerjoin(households, households.c.id == people.c.household_id)
            # Kept after the person joins too: joining does not bring them what was said before.
            .where(unreached_messages.c.contacted_at.is_(None), people.c.village_id == village_id)
            .order_by(unreached_messages.c.id)
        )
        if person_id is not None:
            query = query.where(people.c.id == person_id)
        return [(Addressee(r.person_id, r.name, r.household, r.phone), Undelivered(
            message_id=r.id, person_id=r.person_id, kind=MessageKind(r.kind), important=True, status=None,
            since=r.created_at, unreachable=True)) for r in await self._db.execute(query)]

    async def _delivered(self, person_ids: Sequence[int]) -> set[tuple[int, str]]:
        """Return (person, message key) of the important messages that reached one of the person's accounts."""
        found: set[tuple[int, str]] = set()
        for start in range(0, len(person_ids), _CHUNK):
            query = (select(identities.c.person_id, outbox.c.key)
                     .join(identities, identities.c.id == outbox.c.identity_id)
                     .where(outbox.c.important.is_(True), outbox.c.status == OutboxStatus.SENT.value,
                            identities.c.person_id.in_(person_ids[start:start + _CHUNK])))
            found |= {(r.person_id, _base(r.key)) for r in await self._db.execute(query)}
        return found


def _base(key: str) -> str:
    """Return the message's key without its account suffix: the same for every copy of one message."""
    return key.rsplit(_SEPARATOR, 1)[0]


def _candidate(row: Any, delivered_elsewhere: bool) -> tuple[Addressee, Undelivered]:
    person = Addressee(row.person_id, row.name, row.household, row.phone)
    return person, Undelivered(
        message_id=row.id, person_id=row.person_id, kind=MessageKind(row.kind), important=row.important,
        status=OutboxStatus(row.status), since=row.since, unreachable=row.unreachable_since is not None,
        delivered_elsewhere=delivered_elsewhere)
