"""The outbox table: queue, claim, and record the outcome of each message."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, case, delete, func, select, update

from storage.identities import IdentityRepository
from storage.repository import Repository
from storage.tables import identities, outbox
from village.outbox import (
    CHAT_BOUND_KINDS,
    BatchProgress,
    DeliveryRoute,
    MessageKind,
    NewMessage,
    OutboxItem,
    OutboxStatus,
)
from village.people import Identity
from village.routing import Prefer, choose_identity

_PENDING = OutboxStatus.PENDING.value
_REPLYING = OutboxStatus.REPLYING.value
# Candidate rows read per free slot: enough that one person's long queue does not hide everyone else's.
_CANDIDATES_PER_SLOT = 8
_CHUNK = 500  # rows per multi-row insert


class OutboxRepository(Repository):
    """Rows move pending → sending → sent | failed | blocked; a crash leaves them in sending."""

    async def add_many(self, messages: Sequence[NewMessage], now: datetime) -> int:
        """Queue many messages at once (a broadcast); skip keys queued before; return how many were new."""
        rows = [_row(m, now) for m in messages]
        added = 0
        for start in range(0, len(rows), _CHUNK):
            # Count the returned ids: asyncpg reports no rowcount for a many-row statement.
            statement = self._insert_or_skip(outbox).returning(outbox.c.id)
            added += len((await self._db.execute(statement, rows[start:start + _CHUNK])).fetchall())
        return added

    async def journal(self, messages: Sequence[NewMessage], now: datetime) -> None:
        """Write a turn's direct replies, in the update's transaction, as being sent by this worker (`replying`)."""
        rows = [{**_row(m, now), "status": _REPLYING, "claimed_at": now} for m in messages]
        if rows:  # built once per dialect: every update journals its replies
            await self._db.execute(self._prepared("journal", lambda: self._insert_or_skip(outbox)), rows)

    async def forget_replies(self, keys: Collection[str]) -> None:
        """Drop journalled replies once sent: they were only kept for a worker that dies before sending them."""
        if keys:
            await self._db.execute(_FORGET, {"keys": list(keys)})

    async def hand_over_replies(self, keys: Collection[str], now: datetime) -> None:
        """Give journalled replies that cannot go now (Telegram away) to the dispatcher, due at once."""
        if keys:
            await self._db.execute(update(outbox).where(outbox.c.key.in_(list(keys)), outbox.c.status == _REPLYING)
                                   .values(status=_PENDING, not_before=now, claimed_at=None))

    async def release_lost_replies(self, claimed_before: datetime) -> int:
        """Give the dispatcher the journalled replies of workers that died before sending them (maybe sent)."""
        statement = (update(outbox).where(outbox.c.status == _REPLYING, outbox.c.claimed_at < claimed_before)
                     .values(status=_PENDING, resent=True))
        return int((await self._db.execute(statement)).rowcount)

    async def claim(self, now: datetime, limit: int, busy: Collection[str] = (), *,
                    prefer: Prefer = Prefer.LAST_USED, channels: Collection[str] | None = None) -> list[OutboxItem]:
        """Take up to `limit` due messages, most urgent first, and mark them as being sent.

        At most one per recipient (a person, on whichever account), and none for a recipient in `busy`
        (one of their messages is in flight): a person's messages then arrive in the order they were
        queued. Each message is resolved to the person's account it goes to now (`prefer`, among
        `channels` when given) and the row records that account.
        """
        query = (
            select(outbox, identities.c.channel, identities.c.chat_ref, identities.c.unreachable_since,
                   identities.c.person_id)
            .join(identities, identities.c.id == outbox.c.identity_id)
            .where(outbox.c.status == _PENDING, outbox.c.not_before <= now)
            .order_by(outbox.c.priority, outbox.c.not_before, outbox.c.id)
            .limit(limit * _CANDIDATES_PER_SLOT)
            # PostgreSQL: two dispatchers never claim the same row, and neither waits for the other's rows.
            # SQLite renders no FOR UPDATE; its single writer already serialises claims.
            .with_for_update(skip_locked=True, of=outbox)
        )
        rows: list[Any] = []
        taken = set(busy)
        for row in (await self._db.execute(query)).fetchall():
            recipient = _recipient(row)
            if recipient not in taken and len(rows) < limit:
                rows.append(row)
            taken.add(recipient)  # also a recipient's later rows wait for their earlier one
        if not rows:
            return []
        await self._db.execute(update(outbox).where(outbox.c.id.in_([r.id for r in rows])).values(
            status=OutboxStatus.SENDING.value, claimed_at=now, attempts=outbox.c.attempts + 1))
        accounts = await self._accounts([r.person_id for r in rows if _routed(r)])
        items = []
        for row in rows:
            item = _item(row, attempts=row.attempts + 1)
            chosen = choose_identity(accounts.get(row.person_id, []), prefer, channels) \
                if _routed(row) else None
            if chosen is not None and chosen.id != item.identity_id:
                await self._set(item.id, identity_id=chosen.id)
                item = replace(item, identity_id=chosen.id, channel=chosen.channel, chat_ref=chosen.chat_ref,
                               unreachable=False)
            items.append(item)
        return items

    async def _accounts(self, person_ids: Collection[int]) -> dict[int, list[Identity]]:
        """Return the identities of each person (their accounts on every channel)."""
        if not person_ids:
            return {}
        found: dict[int, list[Identity]] = {}
        for identity in await IdentityRepository(self._db).of_people(sorted(set(person_ids))):
            if identity.person_id is not None:
                found.setdefault(identity.person_id, []).append(identity)
        return found

    async def mark_sent(self, item_id: int, now: datetime, route: str | None = None) -> None:
        """Record a delivery, and the route it took (a `DeliveryRoute` value)."""
        await self._set(item_id, status=OutboxStatus.SENT.value, sent_at=now, last_error=None, route=route)

    async def mark_blocked(self, item_id: int, now: datetime, error: str) -> None:
        """Record that the person blocked the bot."""
        await self._set(item_id, status=OutboxStatus.BLOCKED.value, sent_at=now, last_error=error[:500])

    async def mark_failed(self, item_id: int, now: datetime, error: str) -> None:
        """Record a permanent failure."""
        await self._set(item_id, status=OutboxStatus.FAILED.value, sent_at=now, last_error=error[:500])

    async def retry_later(self, item_id: int, not_before: datetime, error: str) -> None:
        """Put a message back in the queue until `not_before`; the person's later messages wait with it.

        Claims go by (priority, not_before, id): moving the later ones to the same time keeps them
        behind it, so one person's messages still arrive in the order queued.
        """
        await self._set(item_id, status=_PENDING, not_before=not_before, last_error=error[:500])
        retried = select(outbox.c.identity_id).where(outbox.c.id == item_id).scalar_subquery()
        await self._db.execute(update(outbox).where(
            outbox.c.identity_id == retried, outbox.c.status == _PENDING, outbox.c.id > item_id,
            outbox.c.not_before < not_before).values(not_before=not_before))

    async def release_in_flight(self) -> int:
        """Requeue messages a dead process was sending; flag them as possibly sent twice."""
        statement = (update(outbox).where(outbox.c.status == OutboxStatus.SENDING.value)
                     .values(status=_PENDING, resent=True))
        return int((await self._db.execute(statement)).rowcount)

    async def block_pending_of_identity(self, identity_id: int, now: datetime) -> int:
        """Give up on everything still queued for an identity that blocked us (what can follow the person
        to another account of theirs stays queued)."""
        statement = update(outbox).where(*await self._stuck_on(identity_id)).values(
            status=OutboxStatus.BLOCKED.value, sent_at=now, last_error="unreachable")
        return int((await self._db.execute(statement)).rowcount)

    async def move(self, item_id: int, identity_id: int) -> None:
        """Send a message to another account of the same person (the one it was queued for cannot take it)."""
        await self._set(item_id, identity_id=identity_id)

    async def park(self, item_id: int, now: datetime, error: str) -> None:
        """Keep a message the channel cannot deliver now (the person is outside WeChat's window) for their return."""
        await self._set(item_id, status=OutboxStatus.PARKED.value, parked_at=now, last_error=error[:500])

    async def park_pending_of_identity(self, identity_id: int, now: datetime) -> int:
        """Park everything still queued for an identity the channel cannot reach now (say, one who unfollowed);
        what can follow the person to another account of theirs stays queued and goes there."""
        statement = update(outbox).where(*await self._stuck_on(identity_id)).values(
            status=OutboxStatus.PARKED.value, parked_at=now, last_error="not reachable now")
        return int((await self._db.execute(statement)).rowcount)

    async def _stuck_on(self, identity_id: int) -> list[Any]:
        """Return the conditions of the pending rows that only this identity can take."""
        conditions = [outbox.c.identity_id == identity_id, outbox.c.status == _PENDING]
        if await self._has_other_account(identity_id):
            conditions.append(outbox.c.kind.in_([k.value for k in CHAT_BOUND_KINDS]))
        return conditions

    async def _has_other_account(self, identity_id: int) -> bool:
        """Tell whether the identity's person has another account that can be reached."""
        person = select(identities.c.person_id).where(identities.c.id == identity_id).scalar_subquery()
        query = select(func.count()).where(identities.c.person_id == person, identities.c.id != identity_id,
                                           identities.c.unreachable_since.is_(None))
        return bool((await self._db.execute(query)).scalar())

    async def release_parked(self, identity_id: int, now: datetime) -> int:
        """The person wrote again: queue what was parked for them, due now, in the order it was queued."""
        statement = update(outbox).where(outbox.c.identity_id == identity_id,
                                         outbox.c.status == OutboxStatus.PARKED.value).values(
            status=_PENDING, not_before=now)
        return int((await self._db.execute(statement)).rowcount)

    async def parked_of_identity(self, identity_id: int) -> list[OutboxItem]:
        """Return what is parked for an identity, in the order it was queued."""
        query = (select(outbox, identities.c.channel, identities.c.chat_ref, identities.c.unreachable_since,
                        identities.c.person_id)
                 .join(identities, identities.c.id == outbox.c.identity_id)
                 .where(outbox.c.identity_id == identity_id, outbox.c.status == OutboxStatus.PARKED.value)
                 .order_by(outbox.c.id))
        return [replace(_item(r, attempts=r.attempts), status=OutboxStatus.PARKED)
                for r in (await self._db.execute(query)).fetchall()]

    async def mark_summarised(self, item_ids: Collection[int], now: datetime) -> None:
        """Record parked messages as delivered inside a summary (queued in the same transaction)."""
        await self._db.execute(update(outbox).where(outbox.c.id.in_(list(item_ids))).values(
            status=OutboxStatus.SENT.value, sent_at=now, last_error=None, route=DeliveryRoute.SUMMARY.value))

    async def next_due(self) -> datetime | None:
        """Return when the earliest pending message becomes due."""
        query = select(func.min(outbox.c.not_before)).where(outbox.c.status == _PENDING)
        result: datetime | None = (await self._db.execute(query)).scalar()
        return result

    async def backlog(self, now: datetime) -> tuple[dict[int, int], datetime | None]:
        """Return the due, unsent messages per priority and the oldest one's due time (read by the index)."""
        due = (outbox.c.status == _PENDING) & (outbox.c.not_before <= now)
        query = select(outbox.c.priority, func.count(), func.min(outbox.c.not_before)).where(due)
        rows = (await self._db.execute(query.group_by(outbox.c.priority))).fetchall()
        oldest = min((r[2] for r in rows), default=None)
        return {int(r[0]): int(r[1]) for r in rows}, oldest

    async def unsent(self, now: datetime) -> int:
        """Count the messages due by `now` and not sent yet: pending ones and those being sent (the demo's wait)."""
        due = (outbox.c.status == _PENDING) & (outbox.c.not_before <= now)
        query = select(func.count()).where(due | (outbox.c.status == OutboxStatus.SENDING.value))
        return int((await self._db.execute(query)).scalar_one())

    async def progress(self, batch: str | None, now: datetime) -> BatchProgress:
        """Count a batch's messages (all messages when `batch` is None) by outcome."""
        def count(condition: Any) -> Any:
            return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

        status = outbox.c.status
        query = select(
            func.count(), count(status == OutboxStatus.SENT.value), count(status == OutboxStatus.FAILED.value),
            count(status == OutboxStatus.BLOCKED.value), count(status.in_([_PENDING, OutboxStatus.SENDING.value])),
            count((status == _PENDING) & (outbox.c.not_before > now)),
            count((outbox.c.resent.is_(True)) & (status == OutboxStatus.SENT.value)),
            count(status == OutboxStatus.PARKED.value),
        )
        sent = outbox.c.status == OutboxStatus.SENT.value
        by_route = select(func.coalesce(outbox.c.route, ""), func.count()).where(sent)
        if batch is not None:
            query, by_route = query.where(outbox.c.batch == batch), by_route.where(outbox.c.batch == batch)
        row = (await self._db.execute(query)).one()
        routes = {str(r[0]): int(r[1]) for r in await self._db.execute(by_route.group_by(outbox.c.route)) if r[0]}
        return BatchProgress(*(int(v) for v in row), routes=routes)

    async def _set(self, item_id: int, **values: Any) -> None:
        await self._db.execute(update(outbox).where(outbox.c.id == item_id).values(**values))


# Built once: every update forgets its replies once sent (`keys` expands to the list given).
_FORGET = delete(outbox).where(outbox.c.key.in_(bindparam("keys", expanding=True)), outbox.c.status == _REPLYING)


def _row(message: NewMessage, now: datetime) -> dict[str, Any]:
    traits = message.traits
    return {
        "kind": message.kind.value, "important": traits.important, "resend_safe": traits.resend_safe,
        "key": message.key, "identity_id": message.identity_id, "payload": dict(message.payload),
        "priority": int(message.priority), "status": _PENDING, "not_before": message.not_before or now,
        "attempts": 0, "resent": False, "batch": message.batch, "created_at": now,
    }


def _item(row: Any, *, attempts: int) -> OutboxItem:
    return OutboxItem(
        id=row.id, key=row.key, identity_id=row.identity_id, payload=row.payload, priority=row.priority,
        status=OutboxStatus.SENDING, not_before=row.not_before, attempts=attempts, created_at=row.created_at,
        batch=row.batch, resent=row.resent, channel=row.channel, chat_ref=row.chat_ref,
        unreachable=row.unreachable_since is not None,
        kind=MessageKind(row.kind), important=row.important, resend_safe=row.resend_safe, person_id=row.person_id,
    )


def _routed(row: Any) -> bool:
    """Tell whether the row follows its person to their account of choice (not an answer in one chat)."""
    return row.person_id is not None and MessageKind(row.kind) not in CHAT_BOUND_KINDS


def _recipient(row: Any) -> str:
    """Return whom the row is for, as `OutboxItem.recipient` says it: one message in flight each."""
    return f"p{row.person_id}" if row.person_id is not None else f"i{row.identity_id}"
