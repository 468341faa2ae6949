"""Nothing forgotten: overdue reminders, escalation to the secretary, feedback reminders and auto-close,
each sent once with the clock moved forward and the bot restarted in between."""

from __future__ import annotations

from datetime import timedelta

from bot.emulator.harness import Harness
from tests.e2e.conftest import ALICE, SECRETARY, join
from tests.e2e.reports.conftest import DIRECTOR, GRID_WORKER, file_report
from village.clock import ManualClock


async def run_job(bot: Harness, name: str, clock: ManualClock) -> str:
    summary = await bot.runtime.scheduler.run(name, clock.now())
    await bot.runtime.dispatcher.drain()
    return summary


async def test_overdue_reminder_then_escalation_each_once_across_restarts(bot: Harness, clock: ManualClock) -> None:
    for user in (ALICE, GRID_WORKER, SECRETARY, DIRECTOR):
        await join(bot, user)
    await file_report(bot, ALICE)  # Monday 10:00: to be accepted by Tuesday 10:00

    clock.advance(timedelta(days=1, hours=1))
    await run_job(bot, "report_overdue", clock)
    await run_job(bot, "report_overdue", clock)
    await bot.restart()
    await run_job(bot, "report_overdue", clock)
    reminders = [t for t in bot.tg.texts_to(GRID_WORKER) if "⏰ 提醒" in t]
    early_escalations = [t for t in bot.tg.texts_to(SECRETARY) if "请书记督办" in t]
    clock.advance(timedelta(days=1))
    await run_job(bot, "report_overdue", clock)
    await bot.restart()
    await run_job(bot, "report_overdue", clock)

    assert len(reminders) == 1
    assert "FX01-2611-0001【垃圾/环境卫生】已上报超过 1 个工作日，还没有受理" in reminders[0]
    assert early_escalations == []
    escalations = [t for t in bot.tg.texts_to(SECRETARY) if "请书记督办" in t]
    assert len(escalations) == 1
    assert "逾期仍未受理。承办：孙网格" in escalations[0]
    assert not any("请书记督办" in t for t in bot.tg.texts_to(DIRECTOR))  # 主任 is a cadre, not the secretary
    assert len([t for t in bot.tg.texts_to(GRID_WORKER) if "⏰ 提醒" in t]) == 1


async def test_resolve_deadline_lapse_reminds_the_assignee(bot: Harness, clock: ManualClock) -> None:
    await join(bot, ALICE)
    await join(bot, GRID_WORKER)
    await file_report(bot, ALICE)
    await bot.tg.user_taps(GRID_WORKER, "✅ 受理")  # 垃圾/环境卫生: 3 working days, due Thursday 10:00

    clock.advance(timedelta(days=3, hours=1))
    await run_job(bot, "report_overdue", clock)

    assert "办结期限是 11-05 10:00，已经逾期" in bot.tg.last_text(GRID_WORKER)


async def test_unrated_report_gets_one_reminder_then_closes_itself(bot: Harness, clock: ManualClock) -> None:
    await join(bot, ALICE)
    await join(bot, GRID_WORKER)
    await file_report(bot, ALICE)
    await bot.tg.user_taps(GRID_WORKER, "✅ 受理")
    await bot.tg.user_taps(GRID_WORKER, "🏁 办结")
    await bot.tg.user_says(GRID_WORKER, "已清运")
    await bot.tg.user_taps(GRID_WORKER, "不用照片")

    clock.advance(timedelta(days=3, hours=1))
    await run_job(bot, "report_feedback", clock)
    reminded = bot.tg.replies_to(ALICE)[-1]
    await bot.restart()
    await run_job(bot, "report_feedback", clock)
    clock.advance(timedelta(days=4))
    await run_job(bot, "report_feedback", clock)
    await run_job(bot, "report_feedback", clock)

    assert "已办结，请您评价一下处理结果" in reminded.text
    assert "😊 满意" in reminded.inline_labels
    closing = [t for t in bot.tg.texts_to(ALICE) if "自动结案" in t]
    assert len(closing) == 1
    assert len([t for t in bot.tg.texts_to(ALICE) if "请您评价一下处理结果" in t]) == 2  # at resolution, reminder
    mine = await bot.tg.user_taps(ALICE, "📂 我的反映")
    assert "已结案" in mine[-1].inline_labels[0]
