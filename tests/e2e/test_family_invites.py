"""How a family invite reaches the relative: a t.me deep link when the bot's username is configured,
the /start line to type otherwise."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from bot.emulator.harness import Harness, running_bot
from storage.database import Database
from tests.e2e.conftest import ALICE, join
from tests.factories import load_roster
from village.clock import ManualClock


async def open_invite(bot: Harness) -> str:
    """As 张阿婆: ➕ 更多 → 👨‍👩‍👧 亲情代办 → ➕ 邀请亲属; return what the bot shows."""
    await join(bot, ALICE)
    await bot.tg.user_taps(ALICE, "➕ 更多")
    await bot.tg.user_taps(ALICE, "👨‍👩‍👧 亲情代办")
    shown = await bot.tg.user_taps(ALICE, "➕ 邀请亲属")
    return shown[-1].text


async def test_the_invite_is_a_deep_link_when_the_bot_username_is_set(bot: Harness) -> None:
    shown = await open_invite(bot)

    assert shown.startswith("请把这个链接发给您的亲属，请他们在自己的手机上打开：\n")
    assert re.search(rf"^https://t\.me/{bot.api.username}\?start=fam-\w{{10}}$", shown, re.MULTILINE)
    assert "/start" not in shown


@pytest.fixture
async def nameless(db_url: str, database: Database, clock: ManualClock) -> AsyncIterator[Harness]:
    await load_roster(database, clock)
    async with running_bot(db_url, clock=clock, environ={"HEMEI_TELEGRAM__BOT_USERNAME": ""}) as harness:
        yield harness


async def test_the_invite_is_a_start_line_without_a_bot_username(nameless: Harness) -> None:
    shown = await open_invite(nameless)

    assert re.search(r"^/start fam-\w{10}$", shown, re.MULTILINE)
    assert "t.me" not in shown
