"""Scripted steps for the consultation end-to-end tests: villagers, a bot with low thresholds, planning a meeting."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.emulator import FakeUser
from bot.emulator.harness import Harness, running_bot
from storage.database import Database
from tests.e2e.conftest import villager
from tests.factories import load_roster
from village.clock import ManualClock

WANG = villager(1003, "Wang", "13800000003")  # 王大伯, 一组, representative
ZHAO = villager(1004, "Zhao", "13800000004")  # 赵阿姨, leads 二组
QIAN = villager(1005, "Qian", "13800000005")  # 钱大叔, 三组
DIRECTOR = villager(1010, "Zhou", "13800000010")  # 周主任, cadre
SUPERVISOR = villager(1011, "Wu", "13800000011")  # 吴监督
CM_RESIDENT = villager(2001, "Chen", "13900000001")  # 陈村民 of CM01

LOW_THRESHOLDS = {"HEMEI_CONSULTATION__SUPPORT_THRESHOLDS__VILLAGE": "2",
                  "HEMEI_CONSULTATION__SUPPORT_THRESHOLDS__HOMESTEAD": "2"}


@asynccontextmanager
async def consultation_bot(db_url: str, database: Database, clock: ManualClock) -> AsyncIterator[Harness]:
    """Run the bot with the test roster, topics needing only two supports."""
    await load_roster(database, clock)
    async with running_bot(db_url, clock=clock, environ=LOW_THRESHOLDS) as harness:
        yield harness


async def propose(bot: Harness, user: FakeUser, title: str, detail: str) -> None:
    """Propose a village-level topic through the menu."""
    await bot.tg.user_taps(user, "💬 议题征集")
    await bot.tg.user_taps(user, "➕ 我要提议题")
    await bot.tg.user_taps(user, "🏘 全村的事（村级议事）")
    await bot.tg.user_says(user, title)
    await bot.tg.user_says(user, detail)
    await bot.tg.user_taps(user, "✅ 确认提交")


async def plan_meeting(bot: Harness, cadre: FakeUser, title: str, *, start: str = "11-05 14:00", seats: str = "20",
                       topics: tuple[str, ...] = (), from_menu: bool = True) -> None:
    """Plan and publish a village meeting step by step, ticking `topics` (button labels)."""
    if from_menu:
        await bot.tg.user_taps(cadre, "🗓 议事活动")
        await bot.tg.user_taps(cadre, "➕ 组织议事")
    await bot.tg.user_taps(cadre, "村级议事")
    await bot.tg.user_says(cadre, title)
    for label in topics:
        await bot.tg.user_taps(cadre, label)
    await bot.tg.user_taps(cadre, "➡️ 下一步")
    await bot.tg.user_taps(cadre, "睦邻四堂间")
    await bot.tg.user_says(cadre, "村委会二楼")
    await bot.tg.user_says(cadre, start)
    await bot.tg.user_taps(cadre, "2 小时")
    await bot.tg.user_says(cadre, seats)
    await bot.tg.user_taps(cadre, "会前一天")
    await bot.tg.user_taps(cadre, "📢 现在发布")


def checkin_code(bot: Harness, cadre: FakeUser) -> str:
    """Read the check-in code from the newest meeting page the cadre was shown."""
    for text in reversed(bot.tg.texts_to(cadre)):
        found = re.search(r"签到码：(\d{6})", text)
        if found:
            return found.group(1)
    raise AssertionError("no check-in code shown")


def count(bot: Harness, user: FakeUser, fragment: str) -> int:
    """Count the messages to a person containing `fragment`."""
    return sum(fragment in text for text in bot.tg.texts_to(user))


def button_data(bot: Harness, user: FakeUser, label: str) -> str:
    """Return the callback data of the newest inline button with this label shown to the person."""
    for sent in reversed(bot.tg.replies_to(user)):
        for row in (sent.reply_markup or {}).get("inline_keyboard", []):
            for button in row:
                if button["text"] == label:
                    return str(button["callback_data"])
    raise AssertionError(f"no button {label!r}")
