"""What WeChat's routing knows per person: the predicted customer-service window, accepted
subscriptions, and mass sends this month."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from storage.repository import Repository
from storage.tables import wechat_mass_counts, wechat_subscriptions, wechat_windows


class WechatWindowRepository(Repository):
    """Each person's window as we predict it: opened by their input, spent by our sends."""

    async def open(self, open_id: str, opened_at: datetime, *, allowance: int, lasts: timedelta) -> None:
        """Start a fresh window, unless a later one is known or this one again (a retried push).

        CreateTime is in seconds: in the same second, a message's 48-hour window still replaces a follow's minute.
        """
        closes_at = opened_at + lasts
        values = {"opened_at": opened_at, "closes_at": closes_at, "allowance": allowance, "used": 0}
        statement = self._upsert(wechat_windows).values(open_id=open_id, **values)
        newer = (wechat_windows.c.opened_at < opened_at) | (
            (wechat_windows.c.opened_at == opened_at) & (wechat_windows.c.closes_at < closes_at))
        await self._db.execute(statement.on_conflict_do_update(
            index_elements=[wechat_windows.c.open_id], set_=values, where=newer))

    async def is_open(self, open_id: str, now: datetime) -> bool:
        """Tell whether the window should still take a customer-service message now.

        With no record at all (a person last seen before windows were kept) we cannot know: try it.
        """
        query = select(wechat_windows.c.closes_at, wechat_windows.c.used, wechat_windows.c.allowance).where(
            wechat_windows.c.open_id == open_id)
        row = (await self._db.execute(query)).first()
        return row is None or (row.closes_at > now and row.used < row.allowance)

    async def use(self, open_id: str, messages: int) -> None:
        """Count messages sent in the window."""
        await self._db.execute(update(wechat_windows).where(wechat_windows.c.open_id == open_id)
                               .values(used=wechat_windows.c.used + messages))

    async def close(self, open_id: str) -> None:
        """WeChat said the window is closed or used up: believe it until the person's next input."""
        await self._db.execute(update(wechat_windows).where(wechat_windows.c.open_id == open_id)
                               .values(used=wechat_windows.c.allowance))


class WechatSubscriptionRepository(Repository):
    """Subscription notifications a person accepted: one use per one-time acceptance, or long-term."""

    async def accept(self, open_id: str, template_id: str, now: datetime, *, long_term: bool) -> None:
        """Record an acceptance: one more use, or for a long-term template no limit."""
        query = select(wechat_subscriptions.c.remaining).where(
            wechat_subscriptions.c.open_id == open_id, wechat_subscriptions.c.template_id == template_id)
        row = (await self._db.execute(query)).first()
        earlier = 0 if row is None or row.remaining is None else int(row.remaining)
        await self._set(open_id, template_id, None if long_term else earlier + 1, now)

    async def refuse(self, open_id: str, template_id: str, now: datetime) -> None:
        """Record a refusal (or WeChat's 43101): nothing may be sent on this template."""
        await self._set(open_id, template_id, 0, now)

    async def accepted(self, open_id: str, template_id: str) -> bool:
        """Tell whether a notification on this template may go to the person (a use is left, or long-term)."""
        remaining = wechat_subscriptions.c.remaining
        query = select(wechat_subscriptions.c.open_id).where(
            wechat_subscriptions.c.open_id == open_id, wechat_subscriptions.c.template_id == template_id,
            remaining.is_(None) | (remaining > 0))
        return (await self._db.execute(query)).first() is not None

    async def use(self, open_id: str, template_id: str, now: datetime) -> None:
        """Spend one use of a one-time subscription (a long-term one stays)."""
        await self._db.execute(update(wechat_subscriptions).where(
            wechat_subscriptions.c.open_id == open_id, wechat_subscriptions.c.template_id == template_id,
            wechat_subscriptions.c.remaining > 0).values(remaining=wechat_subscriptions.c.remaining - 1,
                                                          changed_at=now))

    async def _set(self, open_id: str, template_id: str, remaining: int | None, now: datetime) -> None:
        values = {"remaining": remaining, "changed_at": now}
        statement = self._upsert(wechat_subscriptions).values(open_id=open_id, template_id=template_id, **values)
        await self._db.execute(statement.on_conflict_do_update(
            index_elements=[wechat_subscriptions.c.open_id, wechat_subscriptions.c.template_id], set_=values))


class WechatMassCountRepository(Repository):
    """Mass sends per person and month (Shanghai time)."""

    async def sent(self, open_id: str, month: str) -> int:
        """Return how many mass sends reached the person this month."""
        query = select(wechat_mass_counts.c.sent).where(wechat_mass_counts.c.open_id == open_id,
                                                        wechat_mass_counts.c.month == month)
        return int((await self._db.execute(query)).scalar() or 0)

    async def count(self, open_id: str, month: str) -> None:
        """Count one more mass send to the person this month."""
        statement = self._upsert(wechat_mass_counts).values(open_id=open_id, month=month, sent=1)
        await self._db.execute(statement.on_conflict_do_update(
            index_elements=[wechat_mass_counts.c.open_id, wechat_mass_counts.c.month],
            set_={"sent": wechat_mass_counts.c.sent + 1}))
