"""What a linked relative did for the household reads 由 张小红（子女）代 张阿婆家 … to the cadres and the household:
on the appeal, the meeting's sign-up sheet and page, the topic's page, and the report in the head's list."""

from __future__ import annotations

from bot.emulator.harness import Harness
from storage.database import Database
from tests.e2e.conftest import ALICE, SECRETARY, join
from tests.e2e.consultation import plan_meeting, propose
from tests.e2e.convention_steps import WANG
from tests.e2e.reports.conftest import GRID_WORKER, file_report
from tests.e2e.test_family import SON, link_son, son_linked_and_results_published
from village.clock import ManualClock

BY_SON = "由 张小红（子女）代 张阿婆家"


async def test_the_cadres_and_the_household_see_the_appeal_was_made_by_the_son(
        bot: Harness, database: Database, clock: ManualClock) -> None:
    await son_linked_and_results_published(bot, database, clock)
    await bot.tg.user_taps(SON, "⚖️ 申诉")
    await bot.tg.user_says(SON, "垃圾是邻居放的")
    await bot.tg.settle()

    alert = bot.tg.texts_to(SECRETARY)[-1]
    listed = await bot.tg.user_says(SECRETARY, "/appeals")
    await bot.tg.user_taps(SECRETARY, "✅ 维持原结果")
    await bot.tg.user_says(SECRETARY, "现场照片为证")
    await bot.tg.settle()

    assert f"{BY_SON} 申诉" in alert
    assert any(f"{BY_SON} 申诉" in sent.text for sent in listed)
    assert f"{BY_SON} 申诉" in bot.tg.texts_to(ALICE)[-1]
    assert BY_SON not in bot.tg.texts_to(WANG)[-1]


async def test_the_sign_up_sheet_and_the_heads_meeting_page_show_the_son_signed_up(bot: Harness) -> None:
    await join(bot, SECRETARY)
    await link_son(bot)
    await plan_meeting(bot, SECRETARY, "村道修缮议事会")
    await bot.tg.settle()
    await bot.tg.user_taps(SON, "✋ 我要报名")

    await bot.tg.user_taps(SECRETARY, "🗓 议事活动")
    await bot.tg.user_taps(SECRETARY, "村道修缮议事会")
    sheet = await bot.tg.user_taps(SECRETARY, "👥 报名名单")
    await bot.tg.user_taps(ALICE, "🗓 议事活动")
    page = await bot.tg.user_taps(ALICE, "村道修缮议事会")

    assert f"1. 张小红\n{BY_SON} 报名" in sheet[0].text
    assert f"{BY_SON} 报名" in page[0].text


async def test_the_topic_page_shows_the_son_proposed_it_for_the_household(bot: Harness) -> None:
    await join(bot, SECRETARY)
    await link_son(bot)
    await propose(bot, SON, "村里建老年食堂", "方便老人吃饭")

    await bot.tg.user_taps(SECRETARY, "💬 议题征集")
    page = await bot.tg.user_taps(SECRETARY, "村里建老年食堂 👍0")

    assert f"{BY_SON} 提议" in page[0].text


async def test_the_head_finds_the_sons_report_among_the_households_reports(bot: Harness) -> None:
    await join(bot, GRID_WORKER)
    await link_son(bot)
    await file_report(bot, SON, location=False)

    listed = await bot.tg.user_taps(ALICE, "📂 我的反映")
    card = await bot.tg.user_taps(ALICE, listed[0].inline_labels[0])

    assert len(listed[0].inline_labels) == 1
    assert f"{BY_SON} 提交" in card[0].text
    assert "请对处理结果评价" not in card[0].text
