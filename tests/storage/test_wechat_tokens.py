"""The WeChat token cache table: one row per account, replaced on refresh."""

from __future__ import annotations

from datetime import timedelta

from storage.database import Database
from storage.wechat_tokens import WechatTokenRepository
from village.clock import ManualClock


async def test_a_saved_token_replaces_the_previous_one(database: Database, clock: ManualClock) -> None:
    now = clock.now()
    async with database.transaction() as store:
        tokens = WechatTokenRepository(store.connection)
        await tokens.save("wx1", "first", expires_at=now + timedelta(hours=2), fetched_at=now)
        await tokens.save("wx1", "second", expires_at=now + timedelta(hours=4), fetched_at=now)

    async with database.transaction() as store:
        loaded = await WechatTokenRepository(store.connection).load("wx1")
        other = await WechatTokenRepository(store.connection).load("wx2")

    assert loaded == ("second", now + timedelta(hours=4), now)
    assert other is None
