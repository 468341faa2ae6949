"""A visit overdue past the margin goes to the village's cadres, once, across runs and restarts;
the list is changed and pruned in chat, and a patrol that found a problem files a report."""

from __future__ import annotations

from datetime import timedelta

from bot.emulator.harness import Harness
from tests.e2e.care.conftest import put_on_list, run_job
from tests.e2e.conftest import SECRETARY, join
from tests.e2e.reports.conftest import DIRECTOR, GRID_WORKER
from tests.e2e.test_family import link_son
from village.clock import ManualClock

OVERDUE = "⚠️ 走访逾期"


async def test_an_overdue_visit_goes_to_the_cadres_once(bot: Harness, clock: ManualClock) -> None:
    for user in (SECRETARY, DIRECTOR, GRID_WORKER):
        await join(bot, user)
    await put_on_list(bot)  # weekly: due 11-09 10:00, the margin is 3 days

    clock.advance(timedelta(days=10))
    await run_job(bot, "care_overdue", clock)
    in_margin = [t for t in bot.tg.texts_to(DIRECTOR) if t.startswith(OVERDUE)]
    clock.advance(timedelta(hours=1))
    await run_job(bot, "care_overdue", clock)
    await bot.restart()
    await run_job(bot, "care_overdue", clock)

    assert in_margin == []
    for cadre in (SECRETARY, DIRECTOR):
        late = [t for t in bot.tg.texts_to(cadre) if t.startswith(OVERDUE)]
        assert late == ["⚠️ 走访逾期：张阿婆（1-01 户）（独居/空巢老人）已超过应走访日期 3 天还没有走访。\n"
                        "还没有走访过。\n网格员：孙网格"]
    assert not any(t.startswith(OVERDUE) for t in bot.tg.texts_to(GRID_WORKER))


async def test_a_cadre_changes_the_rhythm_then_takes_the_person_off(bot: Harness) -> None:
    await join(bot, SECRETARY)
    await put_on_list(bot)

    await bot.tg.user_taps(SECRETARY, "💗 关爱走访")
    await bot.tg.user_taps(SECRETARY, "📋 关爱名单")
    await bot.tg.user_taps(SECRETARY, "张阿婆")
    await bot.tg.user_taps(SECRETARY, "🔁 修改类别或频次")
    await bot.tg.user_taps(SECRETARY, "残障人士")
    changed = await bot.tg.user_taps(SECRETARY, "每两周")
    await bot.tg.user_taps(SECRETARY, "💗 关爱走访")
    await bot.tg.user_taps(SECRETARY, "📋 关爱名单")
    await bot.tg.user_taps(SECRETARY, "张阿婆")
    await bot.tg.user_taps(SECRETARY, "🗑 移出名单")
    removed = await bot.tg.user_taps(SECRETARY, "🗑 确定移出")
    await bot.tg.user_taps(SECRETARY, "💗 关爱走访")
    empty = await bot.tg.user_taps(SECRETARY, "📋 关爱名单")

    assert "已列入关爱名单：残障人士，每两周" in changed[0].text
    assert removed[0].text.startswith("🗑 张阿婆（1-01 户）已移出关爱名单。")
    assert "关爱名单上还没有人。" in empty[-1].text


async def test_a_patrol_that_found_a_problem_files_a_report(bot: Harness) -> None:
    await join(bot, GRID_WORKER)

    await bot.tg.user_taps(GRID_WORKER, "💗 关爱走访")
    await bot.tg.user_taps(GRID_WORKER, "🚶 登记巡查")
    await bot.tg.user_taps(GRID_WORKER, "📍 发送我的位置")
    await bot.tg.user_says(GRID_WORKER, "河边堆了建筑垃圾")
    await bot.tg.user_taps(GRID_WORKER, "⚠️ 发现问题")
    done = await bot.tg.user_taps(GRID_WORKER, "垃圾/环境卫生")

    answer = next(s.text for s in done if s.text.startswith("✅"))
    assert answer == "✅ 巡查已登记。\n已上报问题 FX01-2611-0001，并转给了承办人。"
    assert any(t.startswith("🆕") and "FX01-2611-0001" in t for t in bot.tg.texts_to(GRID_WORKER))


async def test_the_overdue_message_names_the_linked_family(bot: Harness, clock: ManualClock) -> None:
    await join(bot, SECRETARY)
    await link_son(bot)
    await put_on_list(bot)

    clock.advance(timedelta(days=13))
    await run_job(bot, "care_overdue", clock)

    late = [t for t in bot.tg.texts_to(SECRETARY) if t.startswith(OVERDUE)]
    assert len(late) == 1
    assert late[0].endswith("\n📞 家属：张小红（子女）")
