"""WeChat pushes kept durably until their step is done, and the numbered choices shown to each person."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update

from storage.repository import Repository, new_id
from storage.tables import wechat_inbound, wechat_offers

PENDING = "pending"
DONE = "done"
FAILED = "failed"  # given up after repeated failures; the person was told


@dataclass(frozen=True)
class InboundRow:
    """One push: the input as JSON, and once done the passive reply given (None: `success`)."""

    id: int
    dedup_key: str
    open_id: str
    input: str
    done: bool
    passive: str | None
    attempts: int = 0  # tries of its step that did not finish
    received_at: datetime | None = None  # when first recorded


@dataclass(frozen=True)
class Offer:
    """A numbered choice shown to a person: what tapping or typing it means."""

    position: int
    label: str
    payload: str


class WechatInboundRepository(Repository):
    """Pushes by their dedup key: recorded before handling, marked done with the step."""

    async def record(self, dedup_key: str, open_id: str, content: str, now: datetime) -> InboundRow:
        """Record a push unless it is known; return its row (new or as it was)."""
        result = await self._db.execute(self._insert_or_skip(wechat_inbound).values(
            dedup_key=dedup_key, open_id=open_id, input=content, status=PENDING, received_at=now, attempts=0))
        if result.rowcount:  # new: no need to read it back (a statement less on every push)
            return InboundRow(new_id(result), dedup_key, open_id, content, False, None, 0, now)
        row = await self.get(dedup_key)
        assert row is not None
        return row

    async def get(self, dedup_key: str) -> InboundRow | None:
        """Return the push with this key, if recorded."""
        query = select(wechat_inbound).where(wechat_inbound.c.dedup_key == dedup_key)
        found = (await self._db.execute(query)).first()
        return _row(found) if found else None

    async def pending(self, open_id: str | None = None) -> list[InboundRow]:
        """Return pushes not yet done, oldest first (one person's, or everyone's)."""
        query = select(wechat_inbound).where(wechat_inbound.c.status == PENDING)
        if open_id is not None:
            query = query.where(wechat_inbound.c.open_id == open_id)
        return [_row(r) for r in await self._db.execute(query.order_by(wechat_inbound.c.id))]

    async def mark_done(self, dedup_key: str, now: datetime, passive: str | None) -> None:
        """Mark the push handled, with the passive reply it got (None: `success`)."""
        await self._db.execute(update(wechat_inbound).where(wechat_inbound.c.dedup_key == dedup_key)
                               .values(status=DONE, done_at=now, passive=passive))

    async def count_attempt(self, dedup_key: str) -> int | None:
        """Count one more try of a pending push's step; return its tries so far (None: not pending)."""
        result = await self._db.execute(update(wechat_inbound).where(
            wechat_inbound.c.dedup_key == dedup_key, wechat_inbound.c.status == PENDING)
            .values(attempts=wechat_inbound.c.attempts + 1).returning(wechat_inbound.c.attempts))
        found = result.scalar()
        return None if found is None else int(found)

    async def mark_failed(self, dedup_key: str, now: datetime) -> bool:
        """Give up on a pending push; return False if it was not pending (done meanwhile)."""
        result = await self._db.execute(update(wechat_inbound).where(
            wechat_inbound.c.dedup_key == dedup_key, wechat_inbound.c.status == PENDING)
            .values(status=FAILED, done_at=now))
        return bool(result.rowcount)

    async def prune(self, before: datetime) -> int:
        """Forget pushes done before `before` (WeChat retries within seconds)."""
        result = await self._db.execute(delete(wechat_inbound).where(
            wechat_inbound.c.status.in_((DONE, FAILED)), wechat_inbound.c.done_at < before))
        return int(result.rowcount)


class WechatOfferRepository(Repository):
    """The choices a person was last offered; each new turn replaces them."""

    async def replace(self, open_id: str, offers: Sequence[Offer], now: datetime) -> None:
        """Forget the person's previous choices and keep these.

        An upsert, not a delete and an insert: a step and the dispatcher may both write one person's choices at
        once, and on PostgreSQL neither sees the other's uncommitted rows to delete (the second insert failed on
        the key); this way the later write wins.
        """
        positions = [o.position for o in offers]
        await self._db.execute(delete(wechat_offers).where(wechat_offers.c.open_id == open_id,
                                                           wechat_offers.c.position.not_in(positions)))
        if offers:
            statement = self._upsert(wechat_offers)
            await self._db.execute(statement.on_conflict_do_update(
                index_elements=[wechat_offers.c.open_id, wechat_offers.c.position],
                set_={c: statement.excluded[c] for c in ("label", "payload", "offered_at")}), [
                {"open_id": open_id, "position": o.position, "label": o.label, "payload": o.payload,
                 "offered_at": now} for o in offers])

    async def of(self, open_id: str) -> list[Offer]:
        """Return the person's current choices in order."""
        query = select(wechat_offers).where(wechat_offers.c.open_id == open_id).order_by(wechat_offers.c.position)
        return [Offer(r.position, r.label, r.payload) for r in await self._db.execute(query)]


def _row(row: Any) -> InboundRow:
    return InboundRow(row.id, row.dedup_key, row.open_id, row.input, row.status != PENDING, row.passive,
                      row.attempts, row.received_at)
