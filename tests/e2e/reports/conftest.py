"""Fixtures and steps for the report tests."""

from __future__ import annotations

from bot.emulator import FakeUser, Sent
from bot.emulator.harness import Harness
from tests.e2e.conftest import villager

GRID_WORKER = villager(1006, "Sun", "13800000006")  # 孙网格, grid worker of 一网格
SUPERVISOR = villager(1011, "Wu", "13800000011")  # 吴监督
NEIGHBOUR = villager(1003, "Wang", "13800000003")  # 王大伯, 一组 like 张阿婆
FAR_RESIDENT = villager(1005, "Qian", "13800000005")  # 钱大叔, 二网格 has no grid worker
DIRECTOR = villager(1010, "Zhou", "13800000010")  # 周主任, cadre (not secretary)
PHOTO = b"\xff\xd8\xff\xe0-photo-of-rubbish"
VOICE = b"OggS-voice-of-a-villager"


def button_data(sent: Sent, label: str) -> str:
    """Return the data behind a labelled inline button of a message."""
    rows = (sent.reply_markup or {}).get("inline_keyboard", [])
    return next(b["callback_data"] for row in rows for b in row if b["text"] == label)


def last_with(bot: Harness, user: FakeUser, label: str) -> Sent:
    """Return the newest message to the person that carries the labelled button."""
    return next(s for s in reversed(bot.tg.replies_to(user)) if label in s.inline_labels)


async def file_report(bot: Harness, user: FakeUser, *, text: str = "路边垃圾堆了三天，没人清理",
                      category: str = "垃圾/环境卫生", photo: bool = True, location: bool = True,
                      anonymous: bool = False, voice: bool = False) -> list[Sent]:
    """Go through 我要反映 with buttons, as a villager would; return the last replies."""
    await bot.tg.user_taps(user, "📣 我要反映")
    await bot.tg.user_taps(user, category)
    await bot.tg.user_says(user, text)
    if photo:
        await bot.tg.user_sends_photo(user, PHOTO)
    if voice:
        await bot.tg.user_sends_voice(user, VOICE)
    await bot.tg.user_taps(user, "➡️ 下一步")
    if location:
        await bot.tg.user_taps(user, "📍 发送我的位置")
    else:
        await bot.tg.user_taps(user, "⏭ 跳过")
    await bot.tg.user_taps(user, "🙈 匿名" if anonymous else "👤 公开姓名")
    return await bot.tg.user_taps(user, "✅ 确认提交")
