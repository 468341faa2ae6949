"""Updates handled concurrently (telegram.concurrent_updates): each person's still one at a time, in order."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.emulator import FakeUser
from bot.emulator.harness import Harness, running_bot
from bot.emulator.messages import command_entities, user_message
from storage.database import Database
from tests.e2e.conftest import ALICE, MING, join
from tests.factories import load_roster
from village.clock import ManualClock


@pytest.fixture
async def bot(db_url: str, database: Database, clock: ManualClock, tmp_path: Path) -> AsyncIterator[Harness]:
    await load_roster(database, clock)
    environ = {"HEMEI_MEDIA__DIR": str(tmp_path / "media"), "HEMEI_TELEGRAM__CONCURRENT_UPDATES": "8"}
    async with running_bot(db_url, clock=clock, environ=environ) as harness:
        await join(harness, ALICE)
        await join(harness, MING)
        yield harness


def push(bot: Harness, user: FakeUser, text: str) -> int:
    return bot.api.push(user_message(bot.api.new_message_id(), user.as_json(), text=text,
                                     entities=command_entities(text)))


async def test_a_persons_quick_taps_are_handled_in_order_beside_someone_elses(bot: Harness) -> None:
    before = {user.id: len(bot.api.messages_to(user.id)) for user in (ALICE, MING)}

    updates = [push(bot, ALICE, "📣 我要反映"), push(bot, MING, "/me"), push(bot, ALICE, "❌ 取消"),
               push(bot, MING, "/me"), push(bot, ALICE, "/me")]
    for update in updates:
        await bot.runtime.tracker.wait_for(update)

    alice = [m.text for m in bot.api.messages_to(ALICE.id)[before[ALICE.id]:]]
    ming = [m.text for m in bot.api.messages_to(MING.id)[before[MING.id]:]]
    assert alice[:2] == ["我们来反映问题，不到一分钟就好。", "是哪一类问题？请点一个："]
    assert alice[2] == "已取消。"  # the cancel found the report it cancels: handled after it
    assert alice[-1].startswith("姓名：张阿婆")
    assert [text.startswith("姓名：张小明") for text in ming] == [True, True]
