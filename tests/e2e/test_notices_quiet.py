"""Muting activities in /settings, and quiet hours: non-urgent notices wait until morning, urgent ones do not."""

from __future__ import annotations

from datetime import datetime

from bot.emulator.harness import Harness
from tests.conftest import SHANGHAI
from tests.e2e.conftest import ALICE, MING, SECRETARY, join
from tests.e2e.test_notices_compose import compose, notices_to
from village.clock import ManualClock

NIGHT = datetime(2026, 11, 2, 22, 0, tzinfo=SHANGHAI)
MORNING = datetime(2026, 11, 3, 8, 0, tzinfo=SHANGHAI)


async def join_all(bot: Harness) -> None:
    for user in (SECRETARY, ALICE, MING):
        await join(bot, user)


async def test_settings_mute_activities_with_one_tap(bot: Harness) -> None:
    await join(bot, ALICE)
    await bot.tg.user_taps(ALICE, "⚙️ 设置")

    edited = await bot.tg.user_taps(ALICE, "🔕 不再接收活动通知")

    assert edited[0].text == ("⚙️ 您的设置\n🎉 活动：已关闭 🔕\n村务公开、通知和紧急通知始终会发给您。\n语言：中文")
    assert edited[0].inline_labels == ["🔔 重新接收活动通知", "中文", "English"]


async def test_muted_resident_gets_official_notices_but_no_activities(bot: Harness) -> None:
    await join_all(bot)
    await bot.tg.user_says(ALICE, "/settings")
    await bot.tg.user_taps(ALICE, "🔕 不再接收活动通知")

    await compose(bot, kind="🎉 活动", text="周日广场舞比赛，欢迎报名。", picks=("⬜ 一组",))
    await bot.tg.user_taps(SECRETARY, "✅ 发送")
    await compose(bot, kind="📋 村务公开", text="十月财务公开。", picks=("⬜ 一组",))
    await bot.tg.user_taps(SECRETARY, "✅ 发送")

    assert notices_to(bot, ALICE) == ["📋【村务公开】和美村\n十月财务公开。"]
    assert len(notices_to(bot, MING)) == 2


async def test_muted_resident_still_finds_the_activity_in_the_archive(bot: Harness) -> None:
    await join_all(bot)
    await bot.tg.user_says(ALICE, "/settings")
    await bot.tg.user_taps(ALICE, "🔕 不再接收活动通知")
    await compose(bot, kind="🎉 活动", text="周日广场舞比赛，欢迎报名。", picks=("⬜ 一组",))
    preview = bot.tg.last_text(SECRETARY)
    await bot.tg.user_taps(SECRETARY, "✅ 发送")

    listed = await bot.tg.user_says(ALICE, "/notices")

    assert "有 1 人关闭了活动通知" in preview
    assert listed[0].inline_labels[0] == "11-02 🎉 周日广场舞比赛，欢迎报名。"


async def test_activity_sent_at_night_waits_until_quiet_hours_end(bot: Harness, clock: ManualClock) -> None:
    await join_all(bot)
    clock.set(NIGHT)
    await compose(bot, kind="🎉 活动", text="明早八点半村口义诊。", picks=("⬜ 一组",))
    preview = bot.tg.last_text(SECRETARY)

    await bot.tg.user_taps(SECRETARY, "✅ 发送")
    at_night = next(m for m in bot.tg.replies_to(SECRETARY) if "通知 #1" in m.text).text
    clock.set(MORNING)
    await bot.runtime.settle()

    assert "现在是免打扰时段，将在 08:00 发出。" in preview
    assert at_night == ("✅ 通知 #1：现在能发的都已发出，其余的等免打扰时段结束后发出。\n发给 3 人；实际发出消息 2 条\n"
                        "已送达：0\n屏蔽了和美：0\n发送失败：0\n等免打扰时段结束再发：2")
    assert notices_to(bot, ALICE) == ["🎉【活动】和美村\n明早八点半村口义诊。"]
    assert next(m for m in bot.tg.replies_to(SECRETARY) if "通知 #1" in m.text).text == (
        "✅ 通知 #1 已发送完毕。\n发给 3 人；实际发出消息 2 条\n已送达：2\n屏蔽了和美：0\n发送失败：0")


async def test_urgent_notice_goes_out_during_quiet_hours(bot: Harness, clock: ManualClock) -> None:
    await join_all(bot)
    clock.set(NIGHT)
    await compose(bot, kind="🚨 紧急", text="河道水位上涨，请远离河边。", picks=("⬜ 一组",))
    preview = bot.tg.last_text(SECRETARY)

    await bot.tg.user_taps(SECRETARY, "✅ 发送")

    assert "免打扰" not in preview
    assert notices_to(bot, ALICE) == ["🚨【紧急】和美村\n河道水位上涨，请远离河边。"]
    assert notices_to(bot, MING) == ["🚨【紧急】和美村\n河道水位上涨，请远离河边。"]
