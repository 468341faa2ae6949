"""The WeChat access token cached in the database, so a restart or a second process reuses it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from storage.repository import Repository
from storage.tables import wechat_tokens


class WechatTokenRepository(Repository):
    """One row per WeChat account: its current access token and when it expires."""

    async def load(self, app_id: str) -> tuple[str, datetime, datetime] | None:
        """Return the stored token, when it expires and when it was fetched, if any."""
        columns = wechat_tokens.c
        query = select(columns.access_token, columns.expires_at, columns.fetched_at).where(columns.app_id == app_id)
        row = (await self._db.execute(query)).first()
        return (row.access_token, row.expires_at, row.fetched_at) if row else None

    async def save(self, app_id: str, access_token: str, *, expires_at: datetime, fetched_at: datetime) -> None:
        """Store the account's token, replacing the previous one."""
        values = {"access_token": access_token, "expires_at": expires_at, "fetched_at": fetched_at}
        if not await self._insert_ignore(wechat_tokens, {"app_id": app_id, **values}):
            await self._db.execute(update(wechat_tokens).where(wechat_tokens.c.app_id == app_id).values(**values))
