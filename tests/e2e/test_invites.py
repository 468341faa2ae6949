"""Joining by a household card's invite link (一户一码): /start <code>."""

from __future__ import annotations

from datetime import timedelta

from bot.emulator.harness import Harness
from tests.e2e.conftest import ALICE, MING, OUTSIDER, villager
from tests.factories import OPERATOR
from village.clock import ManualClock
from village.services import Services


async def household_code(bot: Harness, label: str) -> str:
    async with bot.runtime.database.transaction() as store:
        cards = await Services(store, bot.runtime.clock, bot.config).invites.issue(OPERATOR, "FX01")
    return next(card.code for card in cards if card.household.label == label)


async def test_members_already_joined_are_not_offered_and_a_full_household_says_so(bot: Harness) -> None:
    code = await household_code(bot, "1-01")
    await bot.tg.user_says(ALICE, f"/start {code}")
    await bot.tg.user_taps(ALICE, "张阿婆")
    offered = await bot.tg.user_says(MING, f"/start {code}")
    await bot.tg.user_taps(MING, "张小明")

    third = await bot.tg.user_says(villager(1077, "Third"), f"/start {code}")

    assert offered[-1].inline_labels[:1] == ["张小明"]
    assert "这一户的成员都已经加入了。" in third[0].text
    assert "📱 分享我的手机号" in bot.api.current_keyboard(1077)


async def test_expired_or_unknown_codes_fall_back_to_sharing_the_phone(bot: Harness, clock: ManualClock) -> None:
    code = await household_code(bot, "1-02")
    clock.advance(timedelta(days=366))

    expired = await bot.tg.user_says(OUTSIDER, f"/start {code}")
    unknown = await bot.tg.user_says(OUTSIDER, "/start hAAAAAAAAAAA")
    malformed = await bot.tg.user_says(OUTSIDER, "/start BADCODE")

    assert "这张邀请卡已过期" in expired[0].text
    assert "邀请码无效" in unknown[0].text
    assert "邀请码无效" in malformed[0].text
    assert "📱 分享我的手机号" in bot.api.current_keyboard(OUTSIDER.id)


async def test_a_tampered_member_button_cannot_bind_someone_of_another_household(bot: Harness) -> None:
    code = await household_code(bot, "1-01")
    await bot.tg.user_says(OUTSIDER, f"/start {code}")

    replies = await bot.tg.user_presses_data(OUTSIDER, "start:member:3")  # 王大伯, household 1-02
    me = await bot.tg.user_says(OUTSIDER, "/me")

    assert "这位成员已经加入了" in replies[0].text
    assert "请按下面的按钮分享您的手机号" in me[-1].text
