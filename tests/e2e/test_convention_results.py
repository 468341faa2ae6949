"""Residents see their score, the board picture and appeal; a cadre revises; privacy holds."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.emulator.harness import Harness, running_bot
from bot.fonts import find_cjk_font
from storage.database import Database
from tests.convention import add_convention, group_id, household_id, services
from tests.e2e.conftest import ALICE, CM_SECRETARY, MING, SECRETARY, join
from tests.e2e.convention_steps import QIAN, SUPERVISOR, WANG, ZHAO, photos_to, publish_directly, texts_with
from tests.e2e.reports.conftest import DIRECTOR
from tests.factories import OPERATOR, load_roster
from village.clock import ManualClock
from village.convention.models import Convention

PNG = b"\x89PNG\r\n\x1a\n"
needs_font = pytest.mark.skipif(find_cjk_font() is None, reason="no CJK font installed (fonts-wqy-microhei)")


@pytest.fixture
async def convention(database: Database, clock: ManualClock) -> Convention:
    return await add_convention(database, clock)


@pytest.fixture
async def plain_bot(db_url: str, database: Database, clock: ManualClock) -> AsyncIterator[Harness]:
    """The bot configured with a font path that does not exist: pictures fall back to text."""
    await load_roster(database, clock)
    async with running_bot(db_url, clock=clock, environ={"HEMEI_FONTS__CJK_PATH": "/nonexistent/font.ttc"}) as h:
        yield h


async def publish_group_one(database: Database, clock: ManualClock, convention: Convention) -> list[int]:
    return await publish_directly(database, clock, convention, "一组",
                                  {"1-01": {"垃圾分类": 20, "不违章搭建": 15}, "1-02": {}})


async def test_without_a_chinese_font_board_and_trend_fall_back_to_text(
        plain_bot: Harness, database: Database, clock: ManualClock) -> None:
    convention = await add_convention(database, clock)
    await publish_group_one(database, clock, convention)
    await join(plain_bot, ALICE)

    board = await plain_bot.tg.user_says(ALICE, "/board")
    score = await plain_bot.tg.user_says(ALICE, "/score")

    assert photos_to(plain_bot, ALICE) == []
    assert "1-01  😢\n1-02  😊" in board[0].text
    assert "近12期（2025年12月到2026年11月）：⬜⬜⬜⬜⬜⬜⬜⬜⬜⬜⬜😢" in score[0].text


async def test_household_appeals_and_cadre_revises_with_audit(bot: Harness, database: Database, clock: ManualClock,
                                                              convention: Convention) -> None:
    await publish_group_one(database, clock, convention)
    for user in (ALICE, MING, SECRETARY, SUPERVISOR):
        await join(bot, user)
    await bot.tg.user_says(MING, "/score")
    await bot.tg.user_taps(MING, "⚖️ 申诉")

    filed = await bot.tg.user_says(MING, "棚子是临时放农具的，已经拆了")
    to_cadre, to_supervisor = bot.tg.replies_to(SECRETARY)[-1], bot.tg.replies_to(SUPERVISOR)[-1]
    await bot.tg.user_taps(SECRETARY, "✏️ 修改")
    await bot.tg.user_taps(SECRETARY, "不违章搭建 −15")
    await bot.tg.user_says(SECRETARY, "现场复核，棚子已拆除")
    decided = await bot.tg.user_taps(SECRETARY, "💾 保存修改")
    async with services(database, clock) as s:
        audit = {e.action: e for e in await s.audit.entries(OPERATOR, convention.village_id, None)}

    assert "您的申诉已经交给村委会" in filed[0].text
    assert "1-01户的张小明对 2026年11月 的评定结果提出申诉" in to_cadre.text
    assert "申诉理由：棚子是临时放农具的，已经拆了" in to_cadre.text
    assert to_cadre.inline_labels == ["✅ 维持原结果", "✏️ 修改"]
    assert "提出申诉" in to_supervisor.text
    assert to_supervisor.inline_labels == []
    assert "已修改，已通知这户人家" in decided[0].text
    for user in (ALICE, MING):
        outcome = texts_with(bot, user, "申诉已被采纳")
        assert len(outcome) == 1
        assert "😐 平脸，80分" in outcome[0]
    revise = audit["assessment.revise"]
    assert revise.before is not None
    assert revise.before["total"] == 65
    assert revise.after is not None
    assert revise.after["total"] == 80
    assert revise.after["reason"] == "现场复核，棚子已拆除"
    assert audit["appeal.revised"].after == {"status": "revised", "note": "现场复核，棚子已拆除"}


async def test_revision_reason_leaves_the_other_deductions_reason_alone(
        bot: Harness, database: Database, clock: ManualClock, convention: Convention) -> None:
    await publish_group_one(database, clock, convention)
    for user in (MING, SECRETARY):
        await join(bot, user)
    await bot.tg.user_says(MING, "/score")
    await bot.tg.user_taps(MING, "⚖️ 申诉")
    await bot.tg.user_says(MING, "棚子已经拆了")
    await bot.tg.user_taps(SECRETARY, "✏️ 修改")
    await bot.tg.user_taps(SECRETARY, "不违章搭建 −15")

    asked = await bot.tg.user_taps(SECRETARY, "💾 保存修改")
    await bot.tg.user_says(SECRETARY, "现场复核，棚子已拆除")
    await bot.tg.user_taps(SECRETARY, "💾 保存修改")

    assert "请打字写明修改结果的原因" in asked[0].text
    outcome = texts_with(bot, MING, "申诉已被采纳")[0]
    assert "· 垃圾分类 −20分：查实：垃圾混投" in outcome
    assert "现场复核，棚子已拆除" not in outcome.split("垃圾分类")[1]


async def test_appeal_decided_by_another_cadre_mid_revision_ends_the_revision(
        bot: Harness, database: Database, clock: ManualClock, convention: Convention) -> None:
    await publish_group_one(database, clock, convention)
    for user in (MING, SECRETARY, DIRECTOR):
        await join(bot, user)
    await bot.tg.user_says(MING, "/score")
    await bot.tg.user_taps(MING, "⚖️ 申诉")
    await bot.tg.user_says(MING, "棚子已经拆了")
    await bot.tg.user_taps(SECRETARY, "✏️ 修改")
    await bot.tg.user_taps(DIRECTOR, "✅ 维持原结果")
    await bot.tg.user_says(DIRECTOR, "有照片为证")

    refused = await bot.tg.user_taps(SECRETARY, "不违章搭建 −15")
    later = await bot.tg.user_says(SECRETARY, "现场复核")

    assert "已经处理过了" in refused[0].text
    assert "🧰 工作台" in refused[-1].keyboard_labels
    assert "系统出了点问题" not in later[0].text
    assert "我没看懂" in later[0].text


async def test_cadre_upholds_and_a_second_appeal_is_refused(bot: Harness, database: Database, clock: ManualClock,
                                                            convention: Convention) -> None:
    await publish_group_one(database, clock, convention)
    for user in (ALICE, SECRETARY):
        await join(bot, user)
    await bot.tg.user_says(ALICE, "/score")
    await bot.tg.user_taps(ALICE, "⚖️ 申诉")
    await bot.tg.user_says(ALICE, "不服")
    data = next(b["callback_data"] for row in bot.tg.replies_to(ALICE)[-4].reply_markup["inline_keyboard"]
                for b in row if b["text"] == "⚖️ 申诉")

    again = await bot.tg.user_presses_data(ALICE, data)
    await bot.tg.user_taps(SECRETARY, "✅ 维持原结果")
    await bot.tg.user_says(SECRETARY, "有照片为证")

    assert "已经有一条申诉在等待处理" in again[0].text
    assert "申诉已经处理，维持原结果。理由：有照片为证" in bot.tg.last_text(ALICE)


async def test_rectification_reported_with_photo_and_inspected(bot: Harness, database: Database,
                                                               clock: ManualClock, convention: Convention) -> None:
    await publish_group_one(database, clock, convention)
    for user in (ALICE, SECRETARY):
        await join(bot, user)
    await bot.tg.user_says(ALICE, "/score")
    await bot.tg.user_taps(ALICE, "✅ 已整改：垃圾分类")

    done = await bot.tg.user_sends_photo(ALICE, b"\xff\xd8\xff-fixed-photo")
    report = bot.tg.replies_to(SECRETARY)[-1]
    await bot.tg.user_taps(SECRETARY, "✅ 已整改")
    later = await bot.tg.user_says(ALICE, "/score")

    assert "已通知评定人员" in done[0].text
    assert report.method == "sendPhoto"
    assert "1-01户的张阿婆说“垃圾分类”已经整改好了" in report.text
    assert "已经整改好了，谢谢您" in texts_with(bot, ALICE, "村里复查了")[0]
    assert "· 垃圾分类（2026-11）：✅ 已整改" in "".join(r.text for r in later)


async def test_outsiders_of_the_group_cannot_see_its_board(bot: Harness, database: Database, clock: ManualClock,
                                                           convention: Convention) -> None:
    await publish_group_one(database, clock, convention)
    await add_convention(database, clock, "CM01")
    first_group = await group_id(database, "一组")
    for user in (QIAN, CM_SECRETARY):
        await join(bot, user)

    own = await bot.tg.user_says(QIAN, "/board")
    forged = await bot.tg.user_presses_data(QIAN, f"bd:show:{first_group}:2026-11")
    other_village = await bot.tg.user_presses_data(CM_SECRETARY, f"bd:show:{first_group}:2026-11")
    garbage = await bot.tg.user_presses_data(QIAN, "bd:show:x")

    assert "三组这一期还没有公示结果" in own[0].text
    assert "您没有权限" in forged[0].text
    assert "没有找到" in other_village[0].text
    assert "这个按钮已失效" in garbage[0].text  # malformed data: like a stale button


async def test_residents_cannot_decide_appeals_or_inspect(bot: Harness, database: Database, clock: ManualClock,
                                                          convention: Convention) -> None:
    ids = await publish_group_one(database, clock, convention)
    await join(bot, WANG)

    appeal = await bot.tg.user_presses_data(WANG, "ap:up:1")
    inspect = await bot.tg.user_presses_data(WANG, "rf:ok:1")
    neighbour = await bot.tg.user_presses_data(WANG, f"sc:appeal:{ids[0]}")

    assert all("您没有权限" in r[0].text or "没有找到" in r[0].text for r in (appeal, inspect, neighbour))


async def test_a_group_leader_cannot_pass_her_own_households_rectification(
        bot: Harness, database: Database, clock: ManualClock, convention: Convention) -> None:
    await publish_directly(database, clock, convention, "二组", {"2-01": {"垃圾分类": 20, "不违章搭建": 15}})
    own = await household_id(database, "2-01")
    async with database.transaction() as store:
        tasks = await store.rectifications.of_household(own, 20)
    await join(bot, ZHAO)

    forged = await bot.tg.user_presses_data(ZHAO, f"rf:ok:{tasks[0].id}")
    score = await bot.tg.user_says(ZHAO, "/score")

    assert "这是您自己家（2-01）" in forged[0].text
    assert "已整改 ✅" not in "".join(r.text for r in score)
