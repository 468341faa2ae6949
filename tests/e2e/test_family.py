"""The family link (亲情代办) end to end: a son in the city is invited, confirmed, receives the household's
score and meeting invitation marked for it, appeals and signs up for it, is removed and then gets nothing."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from bot.emulator.harness import Harness, running_bot
from storage.database import Database
from tests.convention import add_convention, household_id, services
from tests.e2e.conftest import ALICE, OUTSIDER, SECRETARY, join, request_to_join, villager
from tests.e2e.consultation import count, plan_meeting
from tests.e2e.convention_steps import WANG, assess_in_chat, texts_with
from tests.e2e.reports.conftest import GRID_WORKER, file_report
from tests.e2e.test_convention_assess import open_group
from tests.factories import OPERATOR, load_roster
from village.clock import ManualClock
from village.convention.models import Convention

SON = villager(1201, "Son")  # 张阿婆's son, working in the city: on no roster
FOR_ALICE = "【为 张阿婆家】"


async def link_son(bot: Harness) -> None:
    """The head invites from ➕ 更多, the son opens the code and answers, the head confirms."""
    await join(bot, ALICE)
    await bot.tg.user_taps(ALICE, "➕ 更多")
    await bot.tg.user_taps(ALICE, "👨‍👩‍👧 亲情代办")
    shown = await bot.tg.user_taps(ALICE, "➕ 邀请亲属")
    found = re.search(r"https://t\.me/\w+\?start=(fam-\S+)", shown[-1].text)
    assert found, shown[-1].text
    await bot.tg.user_says(SON, f"/start {found.group(1)}")
    await bot.tg.user_says(SON, "张小红")
    await bot.tg.user_taps(SON, "子女")
    waiting = await bot.tg.user_says(SON, "/start")
    assert "您的申请正在等户主确认" in waiting[0].text
    asked = bot.tg.texts_to(ALICE)[-1]
    assert asked == "张小红（子女）申请做本户的亲情代办：将收到本户的消息，并可以代本户办事。确认吗？"
    await bot.tg.user_taps(ALICE, "✅ 确认")
    await bot.tg.settle()


async def son_linked_and_results_published(bot: Harness, database: Database, clock: ManualClock) -> Convention:
    """Link the son, then the secretary assesses 1-01 (four deductions) and 1-02 and publishes the results."""
    convention = await add_convention(database, clock)
    await join(bot, SECRETARY)
    await join(bot, WANG)
    await link_son(bot)
    await open_group(bot, SECRETARY)
    await assess_in_chat(bot, SECRETARY, "1-01", ["垃圾分类"] * 4, "垃圾混投")
    await assess_in_chat(bot, SECRETARY, "1-02", [])
    await bot.tg.user_taps(SECRETARY, "📢 公示")
    await bot.tg.user_taps(SECRETARY, "📢 确认公示")
    await bot.tg.settle()
    return convention


async def test_son_is_invited_and_confirmed_with_the_household_menu(bot: Harness) -> None:
    await link_son(bot)
    welcome = bot.tg.texts_to(SON)[-1]

    screen = await bot.tg.user_says(SON, "/family")
    keyboard = bot.api.current_keyboard(SON.id)
    left = await bot.tg.user_taps(SON, "🚪 退出亲情代办")
    after = await bot.tg.user_says(SON, "/family")

    assert "✅ 已确认：张小红。" in bot.tg.texts_to(ALICE)
    assert "好消息：您已关联到 张阿婆家" in welcome
    assert "您已作为子女关联到 张阿婆家" in screen[0].text
    assert "🚪 退出亲情代办" in screen[0].inline_labels
    assert "😊 我的积分" in keyboard
    assert "张小红，您已退出这一户的亲情代办" in left[0].text
    assert "分享您的手机号" in after[-1].text


async def test_son_receives_the_score_marked_for_the_household_and_appeals_for_it(
        bot: Harness, database: Database, clock: ManualClock) -> None:
    convention = await son_linked_and_results_published(bot, database, clock)

    published = texts_with(bot, SON, "评定结果公示")
    await bot.tg.user_taps(SON, "⚖️ 申诉")
    filed = await bot.tg.user_says(SON, "垃圾是邻居放的")
    async with services(database, clock) as s:
        audit = [e for e in await s.audit.entries(OPERATOR, convention.village_id, None) if e.action == "appeal.file"]

    assert len(published) == 1
    assert published[0].startswith(FOR_ALICE)
    assert "😐 平脸，80分" in published[0]
    assert texts_with(bot, WANG, FOR_ALICE) == []
    assert "您的申诉已经交给村委会" in filed[0].text
    assert "1-01户的张小红对 2026年11月 的评定结果提出申诉" in bot.tg.replies_to(SECRETARY)[-1].text
    assert len(audit) == 1
    assert audit[0].actor_label.endswith(f">household:{await household_id(database, '1-01')}")


async def test_son_gets_the_meeting_signs_up_then_is_removed_and_gets_nothing(
        bot: Harness, database: Database, clock: ManualClock) -> None:
    await join(bot, SECRETARY)
    await link_son(bot)
    await plan_meeting(bot, SECRETARY, "村道修缮议事会")
    await bot.tg.settle()

    invitation = [t for t in bot.tg.texts_to(SON) if "村道修缮议事会" in t]
    signed = await bot.tg.user_taps(SON, "✋ 我要报名")
    await bot.tg.user_taps(ALICE, "➕ 更多")
    await bot.tg.user_taps(ALICE, "👨‍👩‍👧 亲情代办")
    removed = await bot.tg.user_taps(ALICE, "🗑 移除")
    await bot.tg.settle()
    before = len(bot.tg.texts_to(SON))
    await plan_meeting(bot, SECRETARY, "河道保洁议事会")
    await bot.tg.settle()
    again = await bot.tg.user_says(SON, "/start")
    async with services(database, clock) as s:
        audit = [e.action for e in await s.audit.entries(OPERATOR, 1, None) if ">household:" in e.actor_label]

    assert invitation
    assert invitation[0].startswith(FOR_ALICE)
    assert "报名成功" in signed[-1].text
    assert "已移除：张小红" in removed[-1].text
    assert "您已不再关联这一户" in bot.tg.texts_to(SON)[before - 1]
    assert count(bot, SON, "河道保洁议事会") == 0
    assert "分享您的手机号" in again[0].text
    assert "meeting.sign_up" in audit


async def test_a_family_member_cannot_use_staff_buttons_or_another_household(bot: Harness,
                                                                          database: Database) -> None:
    await join(bot, SECRETARY)
    await request_to_join(bot, OUTSIDER)
    await link_son(bot)
    other = await household_id(database, "1-02")

    approve = await bot.tg.user_presses_data(SON, "jr:ok:1")
    invite = await bot.tg.user_presses_data(SON, f"fam:inv:{other}")
    own = await bot.tg.user_presses_data(SON, f"fam:inv:{await household_id(database, '1-01')}")

    for refused in (approve, invite, own):
        assert "抱歉，您没有权限办理这项事务" in refused[0].text


async def test_a_report_the_son_files_says_it_is_for_the_household(bot: Harness, database: Database,
                                                                    clock: ManualClock) -> None:
    await join(bot, GRID_WORKER)
    await link_son(bot)

    filed = await file_report(bot, SON, location=False)
    await bot.tg.settle()
    async with services(database, clock) as s:
        audit = [e for e in await s.audit.entries(OPERATOR, 1, None) if e.action == "report.file"]

    assert "编号" in filed[-1].text
    assert "由 张小红（子女）代 张阿婆家 提交" in bot.tg.texts_to(GRID_WORKER)[-1]
    assert len(audit) == 1


@pytest.fixture
async def capped(db_url: str, database: Database, clock: ManualClock) -> AsyncIterator[Harness]:
    await load_roster(database, clock)
    async with running_bot(db_url, clock=clock, environ={"HEMEI_FAMILY__MAX_MEMBERS": "1"}) as harness:
        yield harness


async def test_the_household_cap_is_enforced(capped: Harness) -> None:
    await link_son(capped)

    await capped.tg.user_says(ALICE, "/family")
    refused = await capped.tg.user_taps(ALICE, "➕ 邀请亲属")

    assert "每户最多可关联 1 位亲属。请先移除一位。" in refused[0].text
