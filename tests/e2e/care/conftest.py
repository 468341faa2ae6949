"""Steps for the care tests: putting a person on the list and running the daily jobs, as people and the bot do."""

from __future__ import annotations

from bot.emulator.harness import Harness
from tests.e2e.conftest import SECRETARY
from village.clock import ManualClock


async def run_job(bot: Harness, name: str, clock: ManualClock) -> str:
    """Run a scheduled job now and deliver what it queued."""
    summary = await bot.runtime.scheduler.run(name, clock.now())
    await bot.runtime.dispatcher.drain()
    return summary


async def put_on_list(bot: Harness, name: str = "张阿婆", match: str = "张阿婆 · 一组 1-01 户",
                      category: str = "独居/空巢老人", rhythm: str = "每周") -> str:
    """As the secretary: 💗 关爱走访 → ➕ → search by name → pick → category → rhythm; return the answer."""
    await bot.tg.user_taps(SECRETARY, "💗 关爱走访")
    await bot.tg.user_taps(SECRETARY, "➕ 添加关爱对象")
    await bot.tg.user_says(SECRETARY, name)
    await bot.tg.user_taps(SECRETARY, match)
    await bot.tg.user_taps(SECRETARY, category)
    await bot.tg.user_taps(SECRETARY, rhythm)
    return bot.tg.last_text(SECRETARY)
