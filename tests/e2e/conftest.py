"""End-to-end fixtures: the real bot, through PTB's HTTP layer, against the local emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.emulator import FakeBotApi, FakeUser
from bot.emulator.harness import Harness, running_bot
from storage.database import Database
from tests.factories import load_roster
from village.clock import ManualClock


@pytest.fixture
async def bot(db_url: str, database: Database, clock: ManualClock, tmp_path: Path) -> AsyncIterator[Harness]:
    """The bot with the test roster loaded, running against the emulator; media kept in the test's folder."""
    await load_roster(database, clock)
    async with running_bot(db_url, clock=clock, environ={"HEMEI_MEDIA__DIR": str(tmp_path / "media")}) as harness:
        yield harness


def villager(user_id: int, name: str, phone: str = "") -> FakeUser:
    """Return a Telegram user; `phone` like 13800000001 as in the roster."""
    return FakeUser(user_id, name, phone=f"+86{phone}" if phone else "")


ALICE = villager(1001, "Alice", "13800000001")  # 张阿婆, household head in 一组
MING = villager(1002, "Ming", "13800000002")  # 张小明, same household
SECRETARY = villager(1009, "Li", "13800000009")  # 李书记, cadre of FX01
OUTSIDER = villager(1099, "Stranger", "13700000000")  # not on any roster
CM_SECRETARY = villager(2009, "Zheng", "13900000009")  # 郑书记, cadre of CM01


async def join(bot: Harness, user: FakeUser) -> None:
    """Join by sharing one's own phone number."""
    await bot.tg.user_says(user, "/start")
    await bot.tg.user_taps(user, "📱 分享我的手机号")


async def request_to_join(bot: Harness, user: FakeUser, village: str = "和美村", name: str = "刘新来") -> None:
    """As someone not on the roster: share the phone, pick the village, type the name."""
    await bot.tg.user_says(user, "/start")
    await bot.tg.user_taps(user, "📱 分享我的手机号")
    await bot.tg.user_taps(user, village)
    await bot.tg.user_says(user, name)


@asynccontextmanager
async def emulator_posting_again_after(seconds: float) -> AsyncIterator[FakeBotApi]:
    """A running Bot API emulator whose webhook posts a failed update again after `seconds` (Telegram: 2, 4 … 60 s)."""
    emulator = FakeBotApi()
    await emulator.start()
    emulator.webhook.first_retry = emulator.webhook.max_retry = seconds
    try:
        yield emulator
    finally:
        await emulator.stop()
