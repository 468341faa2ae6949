"""The care list is staff's only: residents never see it, not with the command, nor with forged buttons."""

from __future__ import annotations

from bot.emulator.harness import Harness
from tests.e2e.care.conftest import put_on_list
from tests.e2e.conftest import SECRETARY, join
from tests.e2e.reports.conftest import FAR_RESIDENT, GRID_WORKER, NEIGHBOUR, SUPERVISOR

REFUSED = "抱歉，您没有权限办理这项事务。"


async def test_a_resident_has_no_care_button_and_the_command_is_refused(bot: Harness) -> None:
    await join(bot, SECRETARY)
    await put_on_list(bot)
    await join(bot, NEIGHBOUR)

    answer = await bot.tg.user_says(NEIGHBOUR, "/care")

    assert "💗 关爱走访" not in bot.tg.buttons(NEIGHBOUR)
    assert REFUSED in answer[0].text
    assert not any("张阿婆" in s.text for s in answer)


async def test_a_forged_care_button_shows_a_resident_nothing(bot: Harness) -> None:
    await join(bot, SECRETARY)
    await put_on_list(bot)
    await join(bot, NEIGHBOUR)

    shown = [*await bot.tg.user_presses_data(NEIGHBOUR, "care:person:1"),
             *await bot.tg.user_presses_data(NEIGHBOUR, "care:visit:1"),
             *await bot.tg.user_presses_data(NEIGHBOUR, "care:well:needs_help")]

    assert [s.text for s in shown if REFUSED in s.text] != []
    assert not any("张阿婆" in s.text for s in shown)
    assert not any("张阿婆" in label for s in shown for label in s.inline_labels)


async def test_a_grid_worker_sees_only_their_grid_and_a_supervisor_the_whole_list(bot: Harness) -> None:
    await join(bot, SECRETARY)
    await put_on_list(bot)
    await put_on_list(bot, "钱大叔", "钱大叔 · 三组 3-01 户", "残障人士", "每月")
    for user in (GRID_WORKER, SUPERVISOR, FAR_RESIDENT):
        await join(bot, user)

    await bot.tg.user_taps(GRID_WORKER, "💗 关爱走访")
    own = await bot.tg.user_taps(GRID_WORKER, "📋 关爱名单")
    forged = await bot.tg.user_presses_data(GRID_WORKER, "care:person:2")
    await bot.tg.user_taps(SUPERVISOR, "💗 关爱走访")
    everyone = await bot.tg.user_taps(SUPERVISOR, "📋 关爱名单")

    assert "张阿婆" in own[-1].text
    assert "钱大叔" not in own[-1].text
    assert not any("钱大叔" in s.text for s in forged)
    assert "张阿婆" in everyone[-1].text
    assert "钱大叔" in everyone[-1].text
    assert "➕ 添加关爱对象" not in bot.tg.buttons(SUPERVISOR)
    assert "✍️ 登记走访" not in bot.tg.buttons(SUPERVISOR)
