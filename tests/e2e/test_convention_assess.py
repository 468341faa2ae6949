"""Assessing in chat and publishing: every household head is told once, also across a restart."""

from __future__ import annotations

from bot.emulator.harness import Harness
from storage.database import Database
from tests.convention import add_convention, services
from tests.e2e.conftest import ALICE, CM_SECRETARY, SECRETARY, join
from tests.e2e.convention_steps import WANG, ZHAO, assess_in_chat, texts_with
from tests.factories import OPERATOR
from village.clock import ManualClock

PUBLISHED = "评定结果公示"


async def open_group(bot: Harness, who: object, group: str = "一组") -> None:
    await bot.tg.user_says(who, "/assess")  # type: ignore[arg-type]
    await bot.tg.user_taps(who, "2026年11月")  # type: ignore[arg-type]
    await bot.tg.user_taps(who, group)  # type: ignore[arg-type]


async def test_cadre_assesses_publishes_and_heads_are_told(bot: Harness, database: Database,
                                                          clock: ManualClock) -> None:
    await add_convention(database, clock)
    for user in (ALICE, WANG, SECRETARY):
        await join(bot, user)
    await open_group(bot, SECRETARY)
    await assess_in_chat(bot, SECRETARY, "1-01", ["垃圾分类"] * 4 + ["不违章搭建"], "垃圾混投，门口搭棚")
    await assess_in_chat(bot, SECRETARY, "1-02", [])

    await bot.tg.user_taps(SECRETARY, "📢 公示")
    done = await bot.tg.user_taps(SECRETARY, "📢 确认公示")

    assert "已公示 2026年11月 的 2 户结果，将通知 2 位户主" in done[0].text
    alice = texts_with(bot, ALICE, PUBLISHED)
    assert len(alice) == 1
    assert "😢 哭脸，65分（满分100）" in alice[0]
    assert "· 垃圾分类 −20分：垃圾混投，门口搭棚" in alice[0]
    assert "本期奖励金：发放 25.00元，暂扣 25.00元" in alice[0]
    assert "请在 2026-11-16 前整改好以下几项" in alice[0]
    assert {"✅ 已整改：垃圾分类", "⚖️ 申诉"} <= set(bot.tg.buttons(ALICE))
    assert "😊 笑脸，100分" in texts_with(bot, WANG, PUBLISHED)[0]


async def test_heads_told_once_when_publishing_again_after_a_restart(bot: Harness, database: Database,
                                                                    clock: ManualClock) -> None:
    await add_convention(database, clock)
    for user in (ALICE, WANG, SECRETARY):
        await join(bot, user)
    await open_group(bot, SECRETARY)
    await assess_in_chat(bot, SECRETARY, "1-01", [])
    await bot.tg.user_taps(SECRETARY, "📢 公示")
    missing = bot.tg.last_text(SECRETARY)
    await bot.tg.user_taps(SECRETARY, "📢 确认公示")

    await bot.restart()
    await open_group(bot, SECRETARY)
    await assess_in_chat(bot, SECRETARY, "1-02", [])
    await bot.tg.user_taps(SECRETARY, "📢 公示")
    await bot.tg.user_taps(SECRETARY, "📢 确认公示")
    await bot.restart()
    await bot.tg.settle()

    assert "还有 1 户没有评定：1-02" in missing
    assert len(texts_with(bot, ALICE, PUBLISHED)) == 1
    assert len(texts_with(bot, WANG, PUBLISHED)) == 1


async def test_saving_without_a_reason_asks_for_one_and_saves_nothing(bot: Harness, database: Database,
                                                                      clock: ManualClock) -> None:
    await add_convention(database, clock)
    await join(bot, SECRETARY)
    await open_group(bot, SECRETARY)
    await bot.tg.user_taps(SECRETARY, "⬜ 1-01")
    await bot.tg.user_taps(SECRETARY, "垃圾分类")

    replies = await bot.tg.user_taps(SECRETARY, "💾 保存草稿")
    async with services(database, clock) as s:
        ledger = await s.rewards.ledger(OPERATOR, "FX01", 2026)

    assert "请打字写明这些扣分的原因：垃圾分类" in replies[0].text
    assert "垃圾分类 −5" in bot.tg.buttons(SECRETARY)
    assert all(h.released == 0 for h in ledger.households)
    async with services(database, clock) as s:
        assert await s.store.assessments.in_village(1, "2026-11") == []


async def test_group_leader_goes_straight_to_their_group(bot: Harness, database: Database,
                                                         clock: ManualClock) -> None:
    await add_convention(database, clock)
    await join(bot, ZHAO)
    await bot.tg.user_says(ZHAO, "/assess")

    replies = await bot.tg.user_taps(ZHAO, "2026年11月")

    assert "二组 · 2026年11月：共 1 户，已评 0 户" in replies[-1].text
    assert "⬜ 2-01" in bot.tg.buttons(ZHAO)


async def test_group_leader_cannot_assess_or_publish_her_own_household(bot: Harness, database: Database,
                                                                       clock: ManualClock) -> None:
    await add_convention(database, clock)
    await join(bot, ZHAO)
    await join(bot, SECRETARY)
    await bot.tg.user_says(ZHAO, "/assess")
    await bot.tg.user_taps(ZHAO, "2026年11月")

    own = await bot.tg.user_taps(ZHAO, "⬜ 2-01")
    await open_group(bot, SECRETARY, "二组")
    await assess_in_chat(bot, SECRETARY, "2-01", [])
    await bot.tg.user_says(ZHAO, "/assess")
    await bot.tg.user_taps(ZHAO, "2026年11月")
    await bot.tg.user_taps(ZHAO, "📢 公示")
    publish = await bot.tg.user_taps(ZHAO, "📢 确认公示")

    assert "这是您自己家（2-01）" in own[0].text
    assert "请另一位村干部来办" in own[0].text
    assert "这是您自己家（2-01）" in publish[0].text
    assert texts_with(bot, ZHAO, PUBLISHED) == []


async def test_residents_cannot_assess(bot: Harness, database: Database, clock: ManualClock) -> None:
    await add_convention(database, clock)
    await join(bot, ALICE)

    replies = await bot.tg.user_says(ALICE, "/assess")
    forged = await bot.tg.user_presses_data(ALICE, "as:hh:1")

    assert "您没有权限" in replies[0].text
    assert "💯 评定打分" not in bot.api.current_keyboard(ALICE.id)
    assert "这个按钮已失效" in forged[0].text or "您没有权限" in forged[0].text


async def test_cadre_of_another_village_cannot_open_our_households(bot: Harness, database: Database,
                                                                   clock: ManualClock) -> None:
    await add_convention(database, clock)
    await add_convention(database, clock, "CM01")
    await join(bot, CM_SECRETARY)
    await bot.tg.user_says(CM_SECRETARY, "/assess")
    await bot.tg.user_taps(CM_SECRETARY, "2026年11月")

    replies = await bot.tg.user_presses_data(CM_SECRETARY, "as:hh:1")

    assert "您没有权限" in replies[0].text
    assert "⬜ E-01" in bot.tg.buttons(CM_SECRETARY)
