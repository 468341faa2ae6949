"""Views and the other handling paths: the queue, the board, 代报, routing to cadres, reassign, merge, reject."""

from __future__ import annotations

from bot.emulator.harness import Harness
from storage.database import Database
from tests.e2e.conftest import ALICE, SECRETARY, join, villager
from tests.e2e.reports.conftest import DIRECTOR, FAR_RESIDENT, GRID_WORKER, NEIGHBOUR, file_report, last_with
from tests.factories import ROSTER, load_roster
from village.clock import ManualClock

AUNT_ZHAO = villager(1004, "Zhao", "13800000004")  # 赵阿姨, 二组 in 一网格


async def test_report_from_a_grid_without_worker_goes_to_the_cadres(bot: Harness) -> None:
    for user in (FAR_RESIDENT, SECRETARY, DIRECTOR):
        await join(bot, user)

    await file_report(bot, FAR_RESIDENT, photo=False, location=False)
    accepted = (await bot.tg.user_taps(DIRECTOR, "✅ 受理"))[-1].text

    assert "承办：村干部" in last_with(bot, SECRETARY, "✅ 受理").text
    assert "承办：周主任" in accepted
    assert "已受理" in bot.tg.last_text(FAR_RESIDENT)


async def test_queue_filters_and_pages_with_buttons(bot: Harness) -> None:
    for user in (ALICE, NEIGHBOUR, FAR_RESIDENT, SECRETARY):
        await join(bot, user)
    await file_report(bot, ALICE)
    await file_report(bot, NEIGHBOUR, category="绿化", photo=False, location=False)
    await file_report(bot, FAR_RESIDENT, category="绿化", photo=False, location=False)

    queue = (await bot.tg.user_taps(SECRETARY, "🗂 待办问题"))[-1].text  # later filters edit it in place
    await bot.tg.user_taps(SECRETARY, "类别 ▾")
    green = (await bot.tg.user_taps(SECRETARY, "绿化"))[-1]
    green_text, green_labels = green.text, green.inline_labels
    await bot.tg.user_taps(SECRETARY, "网格 ▾")
    grid_two = (await bot.tg.user_taps(SECRETARY, "二网格"))[-1].text
    overdue = (await bot.tg.user_taps(SECRETARY, "⏰ 只看逾期"))[-1].text

    assert "共 3 件" in queue
    assert "共 2 件" in green_text
    assert "筛选：全部未办结 · 绿化 · 全部网格" in green_text
    assert "FX01-2611-0002 绿化 · 已上报" in green_labels
    assert "共 1 件" in grid_two
    assert "共 0 件" in overdue


async def test_grid_worker_queue_holds_their_own_reports(bot: Harness) -> None:
    for user in (ALICE, FAR_RESIDENT, GRID_WORKER):
        await join(bot, user)
    await file_report(bot, ALICE, photo=False, location=False)
    await file_report(bot, FAR_RESIDENT, photo=False, location=False)

    queue = await bot.tg.user_taps(GRID_WORKER, "🗂 待办问题")
    card = await bot.tg.user_taps(GRID_WORKER, "FX01-2611-0001 垃圾/环境卫生 · 已上报")

    assert "共 1 件" in queue[-1].text
    assert "✅ 受理" in card[-1].inline_labels


async def test_board_lists_open_problems_by_category_without_names(bot: Harness) -> None:
    for user in (ALICE, NEIGHBOUR, GRID_WORKER):
        await join(bot, user)
    await file_report(bot, ALICE, text="路边垃圾没人清理")
    await file_report(bot, NEIGHBOUR, category="绿化", photo=False, location=False, text="树倒了挡路")
    await bot.tg.user_taps(GRID_WORKER, "✅ 受理")

    board = await bot.tg.user_says(ALICE, "/open")

    text = board[-1].text
    assert "挂牌消项" in text
    assert "【垃圾/环境卫生】1 件" in text
    assert "【绿化】1 件" in text
    assert "树倒了挡路" in text
    assert "本月已办结销项：0 件" in text
    assert "张阿婆" not in text
    assert "王大伯" not in text


async def test_grid_worker_files_on_behalf_of_a_resident(bot: Harness) -> None:
    await join(bot, GRID_WORKER)
    await join(bot, AUNT_ZHAO)

    await bot.tg.user_taps(GRID_WORKER, "🧾 代为上报")
    found = await bot.tg.user_says(GRID_WORKER, "赵")
    await bot.tg.user_taps(GRID_WORKER, found[-1].inline_labels[0])
    await bot.tg.user_taps(GRID_WORKER, "养老助老")
    await bot.tg.user_says(GRID_WORKER, "赵阿姨电话反映：家里老人需要上门助餐")
    await bot.tg.user_taps(GRID_WORKER, "➡️ 下一步")
    await bot.tg.user_taps(GRID_WORKER, "⏭ 跳过")
    preview = await bot.tg.user_taps(GRID_WORKER, "👤 公开姓名")
    done = await bot.tg.user_taps(GRID_WORKER, "✅ 确认提交")

    assert found[-1].inline_labels[0].startswith("赵阿姨")
    assert "代谁反映：赵阿姨" in preview[-1].text
    assert any("已替 赵阿姨 代报，编号：FX01-2611-0001" in sent.text for sent in done)
    assert "孙网格 已替您代报问题 FX01-2611-0001【养老助老】" in bot.tg.last_text(AUNT_ZHAO)
    card = last_with(bot, GRID_WORKER, "✅ 受理").text
    assert "反映人：赵阿姨" in card
    assert "代报人：孙网格" in card
    await bot.tg.user_taps(GRID_WORKER, "✅ 受理")
    assert "已受理" in bot.tg.last_text(AUNT_ZHAO)


async def test_residents_have_no_on_behalf_button(bot: Harness) -> None:
    await join(bot, ALICE)

    forged = await bot.tg.user_says(ALICE, "/reportfor")

    assert "🧾 代为上报" not in bot.api.current_keyboard(ALICE.id)
    assert "您没有权限" in forged[0].text


async def test_reassign_reject_and_merge_from_the_card(bot: Harness) -> None:
    for user in (ALICE, NEIGHBOUR, GRID_WORKER, SECRETARY, DIRECTOR):
        await join(bot, user)
    await file_report(bot, ALICE)
    await file_report(bot, NEIGHBOUR, photo=False, location=False, text="同一堆垃圾")
    await file_report(bot, ALICE, category="其他", photo=False, location=False, text="不归村里管的事")

    await bot.tg.user_taps(SECRETARY, "🗂 待办问题")
    await bot.tg.user_taps(SECRETARY, "FX01-2611-0001 垃圾/环境卫生 · 已上报")
    await bot.tg.user_taps(SECRETARY, "🔀 转派")
    passed = await bot.tg.user_taps(SECRETARY, "周主任")
    await bot.tg.user_taps(GRID_WORKER, "🗂 待办问题")
    await bot.tg.user_taps(GRID_WORKER, "FX01-2611-0002 垃圾/环境卫生 · 已上报")
    await bot.tg.user_taps(GRID_WORKER, "🔗 合并重复")
    asked = await bot.tg.user_says(GRID_WORKER, "FX01-2611-0001")
    merged = await bot.tg.user_taps(GRID_WORKER, "🔗 确认合并")
    await bot.tg.user_taps(GRID_WORKER, "🗂 待办问题")
    await bot.tg.user_taps(GRID_WORKER, "FX01-2611-0003 其他 · 已上报")
    await bot.tg.user_taps(GRID_WORKER, "🚫 不予受理")
    rejected = await bot.tg.user_says(GRID_WORKER, "属于市政管理，已告知12345")

    assert "已转派" in passed[-1].text
    assert "有一个问题转给您处理" in last_with(bot, DIRECTOR, "✅ 受理").text
    assert "把 FX01-2611-0002 作为重复问题并入 FX01-2611-0001" in asked[-1].text
    assert "已作为重复问题合并" in merged[-1].text
    assert "和 FX01-2611-0001 是同一个问题，已合并处理" in bot.tg.last_text(NEIGHBOUR)
    assert "已不予受理" in rejected[-1].text
    assert "原因：属于市政管理，已告知12345" in bot.tg.last_text(ALICE)
    await bot.tg.user_taps(DIRECTOR, "✅ 受理")
    assert "已受理" in bot.tg.last_text(NEIGHBOUR)  # the merged report's reporter follows the original


async def test_on_behalf_search_tells_two_residents_of_the_same_name_apart(bot: Harness, database: Database,
                                                                        clock: ManualClock) -> None:
    namesake = ["FX01", "和美村", "二网格", "三组", "3-02", "赵阿姨", "13800000012", "household_head"]
    await load_roster(database, clock, [*ROSTER, namesake])
    await join(bot, GRID_WORKER)

    await bot.tg.user_taps(GRID_WORKER, "🧾 代为上报")
    found = await bot.tg.user_says(GRID_WORKER, "赵阿姨")

    assert found[-1].inline_labels == ["赵阿姨 · 二组 2-01户 (0004)", "赵阿姨 · 三组 3-02户 (0012)"]
