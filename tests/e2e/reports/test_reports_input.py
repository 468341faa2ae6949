"""Reporting with bad input, limits, restarts and lapses: clear Chinese prompts, nothing half-written."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.emulator.harness import Harness, running_bot
from storage.database import Database
from tests.e2e.conftest import ALICE, join
from tests.e2e.reports.conftest import GRID_WORKER, NEIGHBOUR, PHOTO, file_report, last_with
from tests.factories import load_roster, person_by_phone
from village.clock import ManualClock
from village.people import Actor
from village.reports import ReportDraft
from village.services import Services
from village.settings import VillageSettings


async def test_stickers_documents_and_long_text_get_clear_prompts(bot: Harness) -> None:
    await join(bot, ALICE)
    await bot.tg.user_taps(ALICE, "📣 我要反映")
    typed_category = await bot.tg.user_says(ALICE, "垃圾")
    await bot.tg.user_taps(ALICE, "垃圾/环境卫生")

    sticker = await bot.tg.user_sends_sticker(ALICE)
    too_long = await bot.tg.user_says(ALICE, "很" * 501)
    await bot.tg.user_says(ALICE, "路灯坏了")
    document = await bot.tg.user_sends_document(ALICE, PHOTO, "photo.jpg", "image/jpeg")
    typed = await bot.tg.user_says(ALICE, "没有照片")

    assert "请点下面的按钮选一个问题类别" in typed_category[0].text
    assert "请打几个字，或者发一段语音" in sticker[0].text
    assert "太长了（501 个字）。请不要超过 500 个字" in too_long[0].text
    assert "请直接发照片" in document[0].text
    assert "请发照片，或者点「➡️ 下一步」" in typed[0].text
    assert "➡️ 下一步" in typed[-1].inline_labels


async def test_half_written_report_survives_a_restart(bot: Harness) -> None:
    await join(bot, ALICE)
    await join(bot, GRID_WORKER)
    await bot.tg.user_taps(ALICE, "📣 我要反映")
    await bot.tg.user_taps(ALICE, "河道/水环境")
    await bot.tg.user_says(ALICE, "河里有死鱼")
    await bot.tg.user_sends_photo(ALICE, PHOTO)

    await bot.restart()
    await bot.tg.user_taps(ALICE, "➡️ 下一步")
    await bot.tg.user_says(ALICE, "东河桥边")
    preview = await bot.tg.user_taps(ALICE, "🙈 匿名")
    done = await bot.tg.user_taps(ALICE, "✅ 确认提交")

    assert "类别：河道/水环境" in preview[-1].text
    assert "📷 照片：1 张" in preview[-1].text
    assert "地址：东河桥边" in preview[-1].text
    assert "署名：匿名" in preview[-1].text
    assert "FX01-2611-0001" in done[-1].text
    assert "地址：东河桥边" in last_with(bot, GRID_WORKER, "✅ 受理").text


async def test_back_returns_to_the_previous_step_keeping_the_draft(bot: Harness) -> None:
    await join(bot, ALICE)
    await bot.tg.user_taps(ALICE, "📣 我要反映")
    await bot.tg.user_taps(ALICE, "绿化")
    await bot.tg.user_says(ALICE, "树倒了")

    back = await bot.tg.user_taps(ALICE, "⬅️ 返回")
    await bot.tg.user_says(ALICE, "大树倒在路上")
    await bot.tg.user_taps(ALICE, "➡️ 下一步")
    await bot.tg.user_taps(ALICE, "⏭ 跳过")
    preview = await bot.tg.user_taps(ALICE, "👤 公开姓名")

    assert "请说一说是什么问题" in back[-1].text
    assert "问题描述：大树倒在路上" in preview[-1].text


async def test_skipping_the_location_after_back_drops_the_address_typed_before(bot: Harness) -> None:
    await join(bot, ALICE)
    await join(bot, GRID_WORKER)
    await bot.tg.user_taps(ALICE, "📣 我要反映")
    await bot.tg.user_taps(ALICE, "绿化")
    await bot.tg.user_says(ALICE, "大树倒在路上")
    await bot.tg.user_taps(ALICE, "➡️ 下一步")
    await bot.tg.user_says(ALICE, "东河桥边")

    await bot.tg.user_taps(ALICE, "⬅️ 返回")
    skipped = await bot.tg.user_taps(ALICE, "⏭ 跳过")
    preview = await bot.tg.user_taps(ALICE, "👤 公开姓名")
    await bot.tg.user_taps(ALICE, "✅ 确认提交")

    assert "好的，不填位置" in skipped[0].text
    assert "位置：没有提供" in preview[-1].text
    assert "东河桥边" not in preview[-1].text
    assert "东河桥边" not in last_with(bot, GRID_WORKER, "✅ 受理").text


async def test_each_question_shows_its_own_keyboard_after_back_and_a_restart(bot: Harness) -> None:
    await join(bot, ALICE)
    await bot.tg.user_taps(ALICE, "📣 我要反映")
    on_category = bot.api.current_keyboard(ALICE.id)
    await bot.tg.user_taps(ALICE, "绿化")
    on_describe = bot.api.current_keyboard(ALICE.id)
    await bot.tg.user_says(ALICE, "大树倒在路上")
    await bot.tg.user_taps(ALICE, "➡️ 下一步")
    on_location = bot.api.current_keyboard(ALICE.id)

    back = await bot.tg.user_taps(ALICE, "⬅️ 返回")
    after_back = bot.api.current_keyboard(ALICE.id)
    await bot.restart()
    await bot.tg.user_says(ALICE, "没有照片")
    after_restart = bot.api.current_keyboard(ALICE.id)

    assert on_category == []  # the menu gives way to the inline choices
    assert on_describe == ["⬅️ 返回", "❌ 取消"]
    assert on_location == ["📍 发送我的位置", "⏭ 跳过", "⬅️ 返回", "❌ 取消"]
    assert "➡️ 下一步" in back[-1].inline_labels
    assert after_back == after_restart == []


async def test_unconfirmed_draft_is_discarded_after_a_day_with_a_message(bot: Harness, clock: ManualClock) -> None:
    await join(bot, ALICE)
    await bot.tg.user_taps(ALICE, "📣 我要反映")
    await bot.tg.user_taps(ALICE, "绿化")

    clock.advance(timedelta(hours=25))
    await bot.runtime.scheduler.run("expire_conversations", clock.now())
    await bot.runtime.dispatcher.drain()
    later = await bot.tg.user_says(ALICE, "树倒了")

    assert "超过24小时没有提交，已经作废" in bot.tg.texts_to(ALICE)[-2]
    assert "抱歉，我没看懂" in later[-1].text


async def test_eleventh_report_of_the_day_is_refused_kindly(bot: Harness, database: Database,
                                                          clock: ManualClock) -> None:
    await join(bot, ALICE)
    alice = Actor.of(await person_by_phone(database, "13800000001"))
    async with database.transaction() as store:
        for _ in range(10):
            await Services(store, clock, VillageSettings()).reports.file(alice, ReportDraft("其他", "小问题"))

    refused = await bot.tg.user_taps(ALICE, "📣 我要反映")

    assert "您今天已经反映了 10 个问题" in refused[0].text
    assert "📣 我要反映" in bot.api.current_keyboard(ALICE.id)


async def test_same_problem_nearby_can_be_joined_instead_of_filed_again(bot: Harness) -> None:
    for user in (ALICE, NEIGHBOUR, GRID_WORKER):
        await join(bot, user)
    await file_report(bot, NEIGHBOUR)
    await bot.tg.user_taps(ALICE, "📣 我要反映")
    await bot.tg.user_taps(ALICE, "垃圾/环境卫生")
    await bot.tg.user_says(ALICE, "这里垃圾很多")
    await bot.tg.user_taps(ALICE, "➡️ 下一步")

    asked = await bot.tg.user_taps(ALICE, "📍 发送我的位置")
    joined = await bot.tg.user_taps(ALICE, "👍 是的，就是 FX01-2611-0001")
    await bot.tg.user_taps(GRID_WORKER, "✅ 受理")

    assert "附近已经有人反映过同样的问题" in asked[-1].text
    assert "您已附和问题 FX01-2611-0001，共有 2 位村民" in joined[0].text
    assert "已受理" in bot.tg.last_text(ALICE)
    mine = await bot.tg.user_taps(ALICE, "📂 我的反映")
    assert mine[-1].inline_labels[0].startswith("FX01-2611-0001")


async def test_oversized_photo_gets_a_clear_message(db_url: str, database: Database, clock: ManualClock,
                                                    tmp_path: Path) -> None:
    await load_roster(database, clock)
    limits = {"HEMEI_MEDIA__DIR": str(tmp_path / "media"), "HEMEI_MEDIA__MAX_PHOTO_MB": "0.0001"}
    async with running_bot(db_url, clock=clock, environ=limits) as small:
        await join(small, ALICE)
        await small.tg.user_taps(ALICE, "📣 我要反映")
        await small.tg.user_taps(ALICE, "绿化")
        await small.tg.user_says(ALICE, "树倒了")

        refused = await small.tg.user_sends_photo(ALICE, b"x" * 500)

    assert "文件太大" in refused[0].text
    assert "可以拍照发过来" in refused[-1].text
    assert not list((tmp_path / "media").rglob("*.jpg"))
