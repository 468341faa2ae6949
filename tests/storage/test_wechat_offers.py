"""A person's numbered choices: a step and the dispatcher may write them at the same moment."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from storage.database import Database
from storage.wechat_inbound import Offer, WechatOfferRepository

PERSON = "o_offers_0000000000000000000001"
NOW = datetime(2026, 12, 1, tzinfo=UTC)


async def replace_in_own_transaction(database: Database, offers: list[Offer]) -> None:
    async with database.transaction() as store:
        await WechatOfferRepository(store.connection).replace(PERSON, offers, NOW)


async def waiting_for_a_lock(database: Database) -> bool:
    async with database.connection() as connection:
        found = await connection.execute(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                              "AND datname = current_database()"))
        return bool(found.scalar())


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_two_writers_of_one_persons_choices_at_once_both_succeed_and_the_later_wins(
        database: Database) -> None:
    async with database.transaction() as first:
        await WechatOfferRepository(first.connection).replace(PERSON, [Offer(1, "报名", "a")], NOW)
        later = [Offer(1, "取消", "b"), Offer(2, "返回", "c")]
        second = asyncio.create_task(replace_in_own_transaction(database, later))
        async with asyncio.timeout(10):
            while not await waiting_for_a_lock(database):  # noqa: ASYNC110 (the server's state, no event)
                await asyncio.sleep(0.01)
    await second
    async with database.transaction() as store:
        found = await WechatOfferRepository(store.connection).of(PERSON)

    assert found == later
