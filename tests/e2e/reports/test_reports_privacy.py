"""Anonymity and access: who sees the reporter, and who may act on a report."""

from __future__ import annotations

from bot.emulator.harness import Harness
from storage.database import Database
from tests.e2e.conftest import ALICE, CM_SECRETARY, SECRETARY, join
from tests.e2e.reports.conftest import (
    FAR_RESIDENT,
    GRID_WORKER,
    NEIGHBOUR,
    SUPERVISOR,
    button_data,
    file_report,
    last_with,
)
from tests.factories import OPERATOR, person_by_phone
from village.clock import ManualClock
from village.services import Services
from village.settings import VillageSettings


async def audit_actions(database: Database, clock: ManualClock) -> list[tuple[str, str, str]]:
    secretary = await person_by_phone(database, "13800000009")
    async with database.transaction() as store:
        entries = await Services(store, clock, VillageSettings()).audit.entries(OPERATOR, secretary.village_id, None)
    return [(e.actor_label, e.action, e.target) for e in entries if e.action.startswith("report.")]


async def test_anonymous_report_as_seen_by_grid_worker_board_cadre_and_audit_log(
        bot: Harness, database: Database, clock: ManualClock) -> None:
    for user in (ALICE, GRID_WORKER, SECRETARY, SUPERVISOR, NEIGHBOUR):
        await join(bot, user)
    await file_report(bot, ALICE, anonymous=True)
    secretary = await person_by_phone(database, "13800000009")

    worker_card = last_with(bot, GRID_WORKER, "✅ 受理")
    board = await bot.tg.user_taps(NEIGHBOUR, "📌 挂牌消项")
    await bot.tg.user_taps(SECRETARY, "🗂 待办问题")
    cadre_card = await bot.tg.user_taps(SECRETARY, "FX01-2611-0001 垃圾/环境卫生 · 已上报")
    revealed = await bot.tg.user_taps(SECRETARY, "👁 查看反映人")

    assert "反映人：匿名" in worker_card.text
    assert "👁 查看反映人" not in worker_card.inline_labels
    assert "张阿婆" not in worker_card.text
    assert "FX01-2611-0001" in board[-1].text
    assert "张阿婆" not in board[-1].text
    assert "反映人：匿名" in cadre_card[-1].text
    assert "问题 FX01-2611-0001 的反映人是：张阿婆" in revealed[-1].text
    assert (f"person:{secretary.id}", "report.reveal_reporter", "report:1") in await audit_actions(database, clock)


async def test_grid_worker_cannot_reveal_even_with_a_forged_button(bot: Harness, database: Database,
                                                                   clock: ManualClock) -> None:
    await join(bot, ALICE)
    await join(bot, GRID_WORKER)
    await file_report(bot, ALICE, anonymous=True)

    replies = await bot.tg.user_presses_data(GRID_WORKER, "rph:who:1")

    assert "您没有权限" in replies[0].text
    assert not any(a == "report.reveal_reporter" for _, a, _ in await audit_actions(database, clock))


async def test_resident_forged_handling_buttons_are_refused(bot: Harness) -> None:
    await join(bot, ALICE)
    await join(bot, NEIGHBOUR)
    await join(bot, GRID_WORKER)
    await file_report(bot, ALICE)

    accept = await bot.tg.user_presses_data(NEIGHBOUR, "rph:acc:1")
    resolve = await bot.tg.user_presses_data(ALICE, "rph:res:1")
    card = await bot.tg.user_presses_data(NEIGHBOUR, "rph:card:1")
    rate = await bot.tg.user_presses_data(NEIGHBOUR, "rpm:rate:1:s")
    garbage = await bot.tg.user_presses_data(ALICE, "rph:acc:not-a-number")

    assert "您没有权限" in accept[0].text
    assert "您没有权限" in resolve[0].text
    assert "您没有权限" in card[0].text
    assert "您没有权限" in rate[0].text
    assert "这个按钮已失效" in garbage[0].text  # malformed data: like a stale button
    still = await bot.tg.user_taps(ALICE, "📂 我的反映")
    assert "已上报" in still[-1].inline_labels[0]


async def test_cadre_of_another_village_cannot_see_or_act(bot: Harness, database: Database,
                                                          clock: ManualClock) -> None:
    await join(bot, ALICE)
    await join(bot, GRID_WORKER)
    await join(bot, CM_SECRETARY)
    await file_report(bot, ALICE, anonymous=True)
    accept_data = button_data(last_with(bot, GRID_WORKER, "✅ 受理"), "✅ 受理")

    acted = await bot.tg.user_presses_data(CM_SECRETARY, accept_data)
    seen = await bot.tg.user_presses_data(CM_SECRETARY, "rph:card:1")
    revealed = await bot.tg.user_presses_data(CM_SECRETARY, "rph:who:1")
    queue = await bot.tg.user_says(CM_SECRETARY, "/queue")

    assert "您没有权限" in acted[0].text
    assert "您没有权限" in seen[0].text
    assert "您没有权限" in revealed[0].text
    assert "共 0 件" in queue[0].text
    assert await audit_actions(database, clock) == []


async def test_supervisor_sees_the_card_read_only(bot: Harness) -> None:
    await join(bot, ALICE)
    await join(bot, SUPERVISOR)
    await file_report(bot, ALICE)

    await bot.tg.user_taps(SUPERVISOR, "🗂 待办问题")
    card = await bot.tg.user_taps(SUPERVISOR, "FX01-2611-0001 垃圾/环境卫生 · 已上报")
    refused = await bot.tg.user_presses_data(SUPERVISOR, "rph:acc:1")

    assert "反映人：张阿婆" in card[-1].text
    assert card[-1].inline_labels == ["📜 进展记录"]
    assert "您没有权限" in refused[0].text


async def test_grid_worker_cannot_open_another_grids_report_with_a_forged_card_button(bot: Harness) -> None:
    for user in (ALICE, FAR_RESIDENT, GRID_WORKER):
        await join(bot, user)
    await file_report(bot, FAR_RESIDENT)  # 二网格: the cadres'
    await file_report(bot, ALICE, location=False)  # 一网格: 孙网格's own

    other_grid = await bot.tg.user_presses_data(GRID_WORKER, "rph:card:1")
    own_grid = await bot.tg.user_presses_data(GRID_WORKER, "rph:card:2")

    assert "您没有权限" in other_grid[0].text
    assert "钱大叔" not in "".join(bot.tg.texts_to(GRID_WORKER))
    assert "反映人：张阿婆" in own_grid[-1].text


async def test_followers_see_the_rating_but_not_an_anonymous_reporters_words(bot: Harness) -> None:
    for user in (ALICE, NEIGHBOUR, GRID_WORKER):
        await join(bot, user)
    await file_report(bot, ALICE, anonymous=True)
    await bot.tg.user_taps(NEIGHBOUR, "📣 我要反映")
    await bot.tg.user_taps(NEIGHBOUR, "垃圾/环境卫生")
    await bot.tg.user_says(NEIGHBOUR, "这里垃圾很多")
    await bot.tg.user_taps(NEIGHBOUR, "➡️ 下一步")
    await bot.tg.user_taps(NEIGHBOUR, "📍 发送我的位置")
    await bot.tg.user_taps(NEIGHBOUR, "👍 是的，就是 FX01-2611-0001")
    await bot.tg.user_taps(GRID_WORKER, "✅ 受理")
    await bot.tg.user_taps(GRID_WORKER, "🏁 办结")
    await bot.tg.user_says(GRID_WORKER, "已清运")
    await bot.tg.user_taps(GRID_WORKER, "不用照片")
    await bot.tg.user_taps(ALICE, "😞 不满意")
    await bot.tg.user_says(ALICE, "还是很吵，就是隔壁302")

    mine = await bot.tg.user_taps(NEIGHBOUR, "📂 我的反映")
    follower = await bot.tg.user_taps(NEIGHBOUR, mine[-1].inline_labels[0])
    await bot.tg.user_taps(ALICE, "📂 我的反映")
    reporter = await bot.tg.user_taps(ALICE, mine[-1].inline_labels[0])

    assert "不满意" in follower[-1].text
    assert "隔壁302" not in "".join(bot.tg.texts_to(NEIGHBOUR))
    assert "还是很吵，就是隔壁302" in reporter[-1].text
