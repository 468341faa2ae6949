"""The whole loop through Telegram: a resident reports with photo, voice and location; the grid worker
handles it from the card's buttons; the resident rates it."""

from __future__ import annotations

from pathlib import Path

from bot.emulator.harness import Harness
from tests.conftest import on_both_backends
from tests.e2e.conftest import ALICE, SECRETARY, join
from tests.e2e.reports.conftest import GRID_WORKER, PHOTO, VOICE, file_report, last_with


async def test_resident_reports_with_photo_voice_and_location_and_gets_a_code(bot: Harness) -> None:
    await join(bot, ALICE)
    await join(bot, GRID_WORKER)
    await bot.tg.user_taps(ALICE, "📣 我要反映")
    await bot.tg.user_taps(ALICE, "垃圾/环境卫生")

    await bot.tg.user_sends_voice(ALICE, VOICE)
    await bot.tg.user_sends_photo(ALICE, PHOTO)
    await bot.tg.user_sends_photo(ALICE, PHOTO + b"2")
    await bot.tg.user_taps(ALICE, "➡️ 下一步")
    await bot.tg.user_taps(ALICE, "📍 发送我的位置")
    preview = await bot.tg.user_taps(ALICE, "👤 公开姓名")
    done = await bot.tg.user_taps(ALICE, "✅ 确认提交")

    assert "📷 照片：2 张" in preview[-1].text
    assert "🎤 语音：1 段" in preview[-1].text
    assert "问题编号：FX01-2611-0001" in done[-1].text
    worker = bot.tg.replies_to(GRID_WORKER)
    assert [m.method for m in worker].count("sendPhoto") == 2
    assert any(m.method == "sendVoice" and m.file == VOICE for m in worker)
    assert any(m.method == "sendLocation" for m in worker)
    card = last_with(bot, GRID_WORKER, "✅ 受理")
    assert "有新的问题请您处理" in card.text
    assert "反映人：张阿婆" in card.text
    assert {"✅ 受理", "🚫 不予受理", "🔀 转派", "🔗 合并重复", "💭 留言"} <= set(card.inline_labels)


async def test_media_is_kept_in_the_media_folder(bot: Harness, tmp_path: Path) -> None:
    await join(bot, ALICE)

    await file_report(bot, ALICE)

    kept = [p.read_bytes() for p in (tmp_path / "media").rglob("*.jpg")]
    assert kept == [PHOTO]


@on_both_backends  # a main journey, also on PostgreSQL
async def test_grid_worker_handles_and_resident_rates_satisfied(bot: Harness) -> None:
    await join(bot, ALICE)
    await join(bot, GRID_WORKER)
    await file_report(bot, ALICE, photo=True, voice=True, location=True)

    accepted = (await bot.tg.user_taps(GRID_WORKER, "✅ 受理"))[-1].text  # the card, edited in place
    told_accepted = bot.tg.last_text(ALICE)
    await bot.tg.user_taps(GRID_WORKER, "🔧 开始处置")
    told_started = bot.tg.last_text(ALICE)
    await bot.tg.user_taps(GRID_WORKER, "🏁 办结")
    await bot.tg.user_says(GRID_WORKER, "已联系保洁公司清运完毕")
    resolved = await bot.tg.user_sends_photo(GRID_WORKER, b"\xff\xd8-clean-now")
    rating_request = last_with(bot, ALICE, "😊 满意").text
    rated = await bot.tg.user_taps(ALICE, "😊 满意")
    finished = await bot.tg.user_taps(ALICE, "不用了")

    assert "🎤 附有语音" in accepted
    assert "✅ 已受理" in accepted
    assert "状态：已受理" in accepted
    assert "已受理" in told_accepted
    assert "已开始处置" in told_started
    assert "🏁 已办结，已请反映人评价" in resolved[-1].text
    assert "处理结果：已联系保洁公司清运完毕" in rating_request
    assert any(m.method == "sendPhoto" and m.file == b"\xff\xd8-clean-now" for m in bot.tg.replies_to(ALICE))
    assert "谢谢您的评价" in rated[0].text
    assert "好的，谢谢您" in finished[-1].text
    mine = await bot.tg.user_taps(ALICE, "📂 我的反映")
    assert "已结案" in mine[-1].inline_labels[0]


async def test_unsatisfied_reopens_and_tells_the_assignee_and_secretary(bot: Harness) -> None:
    await join(bot, ALICE)
    await join(bot, GRID_WORKER)
    await join(bot, SECRETARY)
    await file_report(bot, ALICE)
    await bot.tg.user_taps(GRID_WORKER, "✅ 受理")
    await bot.tg.user_taps(GRID_WORKER, "🏁 办结")
    await bot.tg.user_says(GRID_WORKER, "已清运")
    await bot.tg.user_taps(GRID_WORKER, "不用照片")

    reopened = await bot.tg.user_taps(ALICE, "😞 不满意")
    await bot.tg.user_says(ALICE, "还有一半没有清走")

    assert "问题已重新处置" in reopened[0].text
    assert "不满意" in bot.tg.texts_to(GRID_WORKER)[-2]
    assert "反映人说：还有一半没有清走" in bot.tg.last_text(GRID_WORKER)
    assert "反映人对问题 FX01-2611-0001【垃圾/环境卫生】的处理不满意" in bot.tg.texts_to(SECRETARY)[-2]
    card = await bot.tg.user_taps(SECRETARY, "🔎 查看")
    assert "状态：处置中" in card[-1].text


async def test_each_closure_round_has_its_own_photo_and_rating(bot: Harness) -> None:
    await join(bot, ALICE)
    await join(bot, GRID_WORKER)
    await file_report(bot, ALICE)
    await bot.tg.user_taps(GRID_WORKER, "✅ 受理")
    await bot.tg.user_taps(GRID_WORKER, "🏁 办结")
    await bot.tg.user_says(GRID_WORKER, "已清运")
    await bot.tg.user_sends_photo(GRID_WORKER, b"\xff\xd8-first-fix")
    await bot.tg.user_taps(ALICE, "😞 不满意")
    await bot.tg.user_says(ALICE, "还有一半没有清走")

    reopened = await bot.tg.user_taps(GRID_WORKER, "🔎 查看")
    await bot.tg.user_taps(GRID_WORKER, "🏁 办结")
    await bot.tg.user_says(GRID_WORKER, "全部清走了")
    before = len(bot.tg.replies_to(ALICE))
    await bot.tg.user_taps(GRID_WORKER, "不用照片")
    told = bot.tg.replies_to(ALICE)[before:]
    card = await bot.tg.user_taps(GRID_WORKER, "🔎 查看")

    captions = [m.text for m in reopened if m.method == "sendPhoto"]
    assert captions == ["📷 问题 FX01-2611-0001 的第 1 张照片"]
    assert "📷 照片：1 张" in reopened[-1].text
    assert "办结说明" not in reopened[-1].text
    assert [m.method for m in told] == ["sendMessage"]
    assert "全部清走了" in told[0].text
    assert "办结说明：全部清走了" in card[-1].text
    assert "评价" not in card[-1].text
