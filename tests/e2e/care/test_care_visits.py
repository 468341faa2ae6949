"""Care visits end to end: a cadre lists a resident, the grid worker is reminded and logs a visit with a voice
note and a problem (a report filed for the resident, routed and linked), flags reach the secretary."""

from __future__ import annotations

from datetime import timedelta

from bot.emulator.harness import Harness
from storage.database import Database
from tests.e2e.care.conftest import put_on_list, run_job
from tests.e2e.conftest import ALICE, SECRETARY, join
from tests.e2e.reports.conftest import DIRECTOR, GRID_WORKER, VOICE
from tests.factories import person_by_phone
from village.clock import ManualClock


async def test_cadre_puts_a_resident_on_the_care_list(bot: Harness) -> None:
    await join(bot, SECRETARY)

    answer = await put_on_list(bot)

    assert answer.startswith("✅ 张阿婆（1-01 户）已列入关爱名单：独居/空巢老人，每周。")
    await bot.tg.user_taps(SECRETARY, "💗 关爱走访")
    listing = await bot.tg.user_taps(SECRETARY, "📋 关爱名单")
    assert "· 张阿婆（1-01 户） · 独居/空巢老人 · 每周 · 应于 11-09 走访" in listing[-1].text


async def test_grid_worker_is_reminded_then_logs_a_visit_with_voice_and_a_problem(
        bot: Harness, clock: ManualClock, database: Database) -> None:
    for user in (ALICE, SECRETARY, GRID_WORKER, DIRECTOR):
        await join(bot, user)
    await put_on_list(bot)

    clock.advance(timedelta(days=5))
    await run_job(bot, "care_due", clock)
    early = [t for t in bot.tg.texts_to(GRID_WORKER) if "该走访的关爱对象" in t]
    clock.advance(timedelta(days=1, hours=1))
    await run_job(bot, "care_due", clock)
    await run_job(bot, "care_due", clock)
    reminders = [t for t in bot.tg.texts_to(GRID_WORKER) if "该走访的关爱对象" in t]
    await bot.tg.user_taps(GRID_WORKER, "✍️ 张阿婆")
    await bot.tg.user_taps(GRID_WORKER, "✍️ 登记走访")
    await bot.tg.user_taps(GRID_WORKER, "🆘 需要帮助")
    await bot.tg.user_sends_voice(GRID_WORKER, VOICE)
    await bot.tg.user_taps(GRID_WORKER, "➡️ 下一步")
    await bot.tg.user_taps(GRID_WORKER, "⚠️ 发现问题")
    done = await bot.tg.user_taps(GRID_WORKER, "养老助老")
    await bot.tg.settle()

    assert early == []
    assert reminders == ["💗 该走访的关爱对象：\n· 张阿婆（1-01 户） · 独居/空巢老人 · 应于 11-09 走访"]
    answer = next(s.text for s in done if s.text.startswith("✅"))
    assert answer == ("✅ 已登记对张阿婆（1-01 户）的走访。下次应于 11-15 走访。\n"
                      "已为其代报问题 FX01-2611-0001，并转给了承办人。\n已报告村书记。")
    assert any("孙网格 已替您代报问题 FX01-2611-0001" in t for t in bot.tg.texts_to(ALICE))
    assert any(t.startswith("🆕") and "FX01-2611-0001" in t for t in bot.tg.texts_to(GRID_WORKER))
    assert any(s.method == "sendVoice" and s.file == VOICE for s in bot.tg.replies_to(GRID_WORKER))
    flags = [t for t in bot.tg.texts_to(SECRETARY) if t.startswith("⚠️ 关爱走访")]
    assert flags == ["⚠️ 关爱走访：孙网格走访张阿婆（1-01 户）时发现了问题。\n已为其代报：FX01-2611-0001"]
    assert not any(t.startswith("⚠️ 关爱走访") for t in bot.tg.texts_to(DIRECTOR))  # 主任 is not the secretary
    alice = await person_by_phone(database, "13800000001")
    async with database.transaction() as store:
        subject = await store.care.subject_of_person(alice.id)
        assert subject is not None
        visits = await store.care.visits_of(subject.id, 5)
        report = await store.reports.by_code("FX01-2611-0001")
    assert report is not None
    assert (report.reporter_id, report.on_behalf) == (alice.id, True)
    assert [(v.draft.wellbeing.value, v.draft.voice is not None, v.report_id) for v in visits] == [
        ("needs_help", True, report.id)]


async def test_needs_help_at_two_visits_in_a_row_is_flagged_to_the_secretary_with_the_family_called(
        bot: Harness, clock: ManualClock) -> None:
    for user in (SECRETARY, GRID_WORKER):
        await join(bot, user)
    await put_on_list(bot)

    for family_called in (False, True):
        await bot.tg.user_taps(GRID_WORKER, "💗 关爱走访")
        await bot.tg.user_taps(GRID_WORKER, "✍️ 登记走访")
        await bot.tg.user_taps(GRID_WORKER, "张阿婆")
        await bot.tg.user_taps(GRID_WORKER, "🆘 需要帮助")
        await bot.tg.user_says(GRID_WORKER, "腿脚不便，买菜困难")
        await bot.tg.user_taps(GRID_WORKER, "➡️ 下一步")
        if family_called:
            await bot.tg.user_taps(GRID_WORKER, "📞 已联系家属")
        await bot.tg.user_taps(GRID_WORKER, "✅ 提交：没有其他问题")
        clock.advance(timedelta(days=7))
    await bot.tg.settle()

    flags = [t for t in bot.tg.texts_to(SECRETARY) if t.startswith("⚠️ 关爱走访")]
    assert flags == ["⚠️ 关爱走访：张阿婆（1-01 户）连续两次走访都“需要帮助”（最近一次由孙网格走访）。请关注跟进。\n"
                     "备注：腿脚不便，买菜困难\n📞 已联系家属。"]
