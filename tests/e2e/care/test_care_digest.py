"""The monthly digest (一月一汇) gains a care section: the list, visits due and done, overdue, flagged."""

from __future__ import annotations

from datetime import datetime

from bot.emulator.harness import Harness
from tests.conftest import SHANGHAI
from tests.e2e.care.conftest import put_on_list, run_job
from tests.e2e.conftest import SECRETARY, join
from tests.e2e.reports.conftest import GRID_WORKER
from village.clock import ManualClock

FIRST_OF_DECEMBER = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)


async def test_the_digest_counts_the_month_s_care_visits(bot: Harness, clock: ManualClock) -> None:
    for user in (SECRETARY, GRID_WORKER):
        await join(bot, user)
    await put_on_list(bot)
    await put_on_list(bot, "钱大叔", "钱大叔 · 三组 3-01 户", "残障人士", "每月")
    await bot.tg.user_taps(GRID_WORKER, "💗 关爱走访")
    await bot.tg.user_taps(GRID_WORKER, "✍️ 登记走访")
    await bot.tg.user_taps(GRID_WORKER, "张阿婆")
    await bot.tg.user_taps(GRID_WORKER, "🙂 良好")
    await bot.tg.user_taps(GRID_WORKER, "⏭ 跳过")
    await bot.tg.user_taps(GRID_WORKER, "➡️ 下一步")
    await bot.tg.user_taps(GRID_WORKER, "✅ 提交：没有其他问题")

    clock.set(FIRST_OF_DECEMBER)
    await run_job(bot, "monthly_digest", clock)

    digest = next(t for t in bot.tg.texts_to(SECRETARY) if t.startswith("📊 一月一汇"))
    assert ("▌关爱走访\n关爱名单：2 人 · 已走访：1 次（1 人）\n应走访：1 人 · 逾期：1 人 · 报告书记：0 次\n巡查：0 次"
            in digest)
