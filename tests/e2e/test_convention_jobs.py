"""The monthly convention jobs: assessor reminders and reward notices, once per village and period."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.emulator.harness import Harness
from storage.database import Database
from tests.conftest import SHANGHAI
from tests.convention import add_convention
from tests.e2e.conftest import ALICE, SECRETARY, join
from tests.e2e.convention_steps import WANG, ZHAO, publish_directly, texts_with
from village.clock import ManualClock

FIRST_OF_DECEMBER = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)


async def run_job(bot: Harness, name: str) -> str:
    summary = await bot.runtime.scheduler.run(name, bot.runtime.clock.now())
    await bot.runtime.dispatcher.drain()
    return summary


async def test_assessors_are_reminded_once_per_period_across_a_restart(bot: Harness, database: Database,
                                                                       clock: ManualClock) -> None:
    convention = await add_convention(database, clock)
    for user in (SECRETARY, ZHAO, WANG):
        await join(bot, user)
    await publish_directly(database, clock, convention, "一组", {"1-01": {}, "1-02": {}})
    clock.set(FIRST_OF_DECEMBER)

    await run_job(bot, "assessment_reminders")
    await bot.restart()
    again = await run_job(bot, "assessment_reminders")

    to_cadre = texts_with(bot, SECRETARY, "评定还没完成")
    assert len(to_cadre) == 1
    assert "美丽约定 2026年11月" in to_cadre[0]
    assert "· 二组：1 户未评，0 户草稿未公示" in to_cadre[0]
    assert "一组" not in to_cadre[0]
    to_leader = texts_with(bot, ZHAO, "评定还没完成")
    assert len(to_leader) == 1
    assert "三组" not in to_leader[0]
    assert texts_with(bot, WANG, "评定还没完成") == []
    assert again == "0 assessment reminder(s) queued"


async def test_reward_notices_reach_heads_once_and_wait_out_quiet_hours(bot: Harness, database: Database,
                                                                        clock: ManualClock) -> None:
    convention = await add_convention(database, clock)
    await join(bot, ALICE)
    await publish_directly(database, clock, convention, "一组", {"1-01": {"垃圾分类": 20, "不违章搭建": 15}})
    clock.set(datetime(2026, 12, 1, 22, 0, tzinfo=SHANGHAI))

    await run_job(bot, "reward_notices")
    during_quiet_hours = texts_with(bot, ALICE, "和美奖励金")
    await bot.restart()
    clock.advance(timedelta(hours=10, minutes=1))
    await run_job(bot, "reward_notices")

    notices = texts_with(bot, ALICE, "和美奖励金")
    assert during_quiet_hours == []
    assert len(notices) == 1
    assert "2026年11月：发放 25.00元，暂扣 25.00元" in notices[0]
    assert "2026年累计：已发放 25.00元，暂扣 25.00元" in notices[0]


async def test_jobs_are_listed_with_their_default_schedule(bot: Harness) -> None:
    table = {job.name: job.cron for job in await bot.runtime.scheduler.table()}

    assert table["assessment_reminders"] == "0 9 1 * *"
    assert table["reward_notices"] == "30 9 1 * *"
