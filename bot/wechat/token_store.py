"""The database side of the token cache, over the `wechat_tokens` table."""

from __future__ import annotations

from bot.wechat.tokens import AccessToken
from storage.database import Database
from storage.wechat_tokens import WechatTokenRepository


class DatabaseTokenStore:
    """Keeps each account's token in the database, one short transaction per read or write."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def load(self, app_id: str) -> AccessToken | None:
        """Return the stored token, if any."""
        async with self._database.transaction() as store:
            found = await WechatTokenRepository(store.connection).load(app_id)
        return AccessToken(*found) if found else None

    async def save(self, app_id: str, token: AccessToken) -> None:
        """Store the token, replacing the account's previous one."""
        async with self._database.transaction() as store:
            await WechatTokenRepository(store.connection).save(app_id, token.value, expires_at=token.expires_at,
                                                               fetched_at=token.fetched_at)
