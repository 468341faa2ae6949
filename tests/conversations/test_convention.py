"""The convention's conversations without Telegram: the deduction sheet, navigation, pictures and fallbacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.fonts import find_cjk_font
from bot.i18n import Catalogs
from handlers import registry
from handlers.engine import Engine
from handlers.replies import AttachmentKind
from storage.database import Database
from tests.convention import add_convention
from tests.conversations.conftest import Chat, EngineFactory, labels
from tests.e2e.convention_steps import publish_directly
from village.clock import ManualClock
from village.convention.models import Convention
from village.settings import VillageSettings


@pytest.fixture
async def convention(new_engine: EngineFactory, database: Database, clock: ManualClock) -> Convention:
    return await add_convention(database, clock)


async def joined(engine: Engine, phone: str, user: str) -> Chat:
    chat = Chat(engine, user)
    await chat.says("/start")
    await chat.shares_contact(f"+86{phone}")
    return chat


async def on_household(engine: Engine, label: str = "1-01") -> Chat:
    chat = await joined(engine, "13800000009", "6009")
    await chat.says("/assess")
    await chat.taps("2026年11月")
    await chat.taps("一组")
    await chat.says(label)
    return chat


async def test_tapping_a_clause_cycles_its_deduction_back_to_none(engine: Engine, convention: Convention) -> None:
    chat = await on_household(engine)

    seen = []
    for _ in range(5):
        await chat.taps(next(label for label in labels(chat.replies) if label.startswith("垃圾分类")))
        seen.append(next(label for label in labels(chat.replies) if label.startswith("垃圾分类")))

    assert seen == ["垃圾分类 −5", "垃圾分类 −10", "垃圾分类 −15", "垃圾分类 −20", "垃圾分类"]
    assert chat.replies[0].edit


async def test_typed_reason_fills_deductions_without_one(engine: Engine, convention: Convention) -> None:
    chat = await on_household(engine)
    await chat.taps("垃圾分类")
    await chat.taps("河道保洁")

    await chat.says("往河里倒垃圾")

    assert "· 垃圾分类 −5分：往河里倒垃圾\n· 河道保洁 −5分：往河里倒垃圾" in chat.texts()[-1]
    assert "总分：90分（满分100）· 😊 笑脸" in chat.texts()[-1]


async def test_a_menu_button_is_not_taken_as_a_reason(engine: Engine, convention: Convention) -> None:
    chat = await on_household(engine)
    await chat.taps("垃圾分类")

    await chat.says("🖼 小组公示牌")

    assert "请先评完这一户" in chat.texts()[0]
    assert "（还没写原因）" in chat.texts()[-1]


async def test_forged_clause_is_ignored_and_back_returns_to_the_list(engine: Engine, convention: Convention) -> None:
    chat = await on_household(engine)

    await chat.send_button("as:cut:999")
    unchanged = chat.texts()[-1]
    await chat.says("⬅️ 返回")

    assert "没有扣分：满分" in unchanged
    assert "一组 · 2026年11月：共 2 户" in chat.texts()[-1]


async def test_published_result_opens_read_only_with_revise_for_cadres(engine: Engine, database: Database,
                                                                       clock: ManualClock,
                                                                       convention: Convention) -> None:
    await publish_directly(database, clock, convention, "一组", {"1-01": {"垃圾分类": 5}})
    chat = await joined(engine, "13800000009", "6009")
    await chat.says("/assess")
    await chat.taps("2026年11月")
    await chat.taps("一组")

    await chat.taps("😊 1-01")
    shown = chat.texts()[-1]
    await chat.taps("✏️ 修改")

    assert "已公示。" in shown
    assert "💾 保存修改" in labels(chat.replies)


async def test_group_name_can_be_typed(engine: Engine, convention: Convention) -> None:
    chat = await joined(engine, "13800000009", "6009")
    await chat.says("/assess")
    await chat.taps("2026年11月")

    await chat.says("三组")

    assert "三组 · 2026年11月：共 1 户" in chat.texts()[-1]


def engine_with_font(database: Database, clock: ManualClock, font: Path | None) -> Engine:
    return Engine(registry.flows(), database=database, clock=clock, settings=VillageSettings(),
                  renderer=Catalogs.load(), stranger_flow=registry.STRANGER_FLOW, cjk_font=font)


@pytest.mark.skipif(find_cjk_font() is None, reason="no CJK font installed (fonts-wqy-microhei)")
async def test_with_a_chinese_font_board_and_chart_are_pngs(new_engine: EngineFactory, database: Database,
                                                            clock: ManualClock, convention: Convention) -> None:
    await publish_directly(database, clock, convention, "一组", {"1-01": {"垃圾分类": 5}, "1-02": {}})
    chat = await joined(engine_with_font(database, clock, find_cjk_font()), "13800000001", "6001")

    board = await chat.says("/board")
    score = await chat.says("/score")

    for reply in (board[0], score[0]):
        assert reply.attachment is not None
        assert reply.attachment.kind is AttachmentKind.PHOTO
        assert reply.attachment.data is not None
        assert reply.attachment.data.startswith(b"\x89PNG")


async def test_without_a_font_no_picture_is_drawn(new_engine: EngineFactory, database: Database,
                                                  clock: ManualClock, convention: Convention) -> None:
    await publish_directly(database, clock, convention, "一组", {"1-01": {"垃圾分类": 5}, "1-02": {}})
    chat = await joined(engine_with_font(database, clock, None), "13800000001", "6001")

    board = await chat.says("/board")

    assert all(r.attachment is None for r in board)
    assert "1-01  😊\n1-02  😊" in board[0].text


async def test_cadre_records_homestead_year_and_spot_check_shown_on_the_board(
        engine: Engine, database: Database, clock: ManualClock, convention: Convention) -> None:
    await publish_directly(database, clock, convention, "一组", {"1-01": {}})
    cadre = await joined(engine, "13800000009", "6009")
    resident = await joined(engine, "13800000001", "6001")
    await cadre.says("/homestead")
    await cadre.taps("一组")
    await cadre.taps("💾 保存年度评定")
    await cadre.says("/homestead")
    await cadre.taps("一组")

    await cadre.taps("✅ 清群租")
    toggled = labels(cadre.replies)
    await cadre.says("3号楼有群租")
    await cadre.taps("🔍 保存抽查")
    saved = cadre.texts()[0]
    await resident.says("/board")

    assert "❌ 清群租" in toggled
    assert "✅ 一组的抽查结果已保存。" in saved
    assert "小组奖励 5000.00元（抽查扣减 5000.00元）" in saved
    assert "和美宅基 2026年：达标（6项标准达到6项）。小组奖励 5000.00元（抽查扣减 5000.00元）" in resident.texts()[0]


async def test_residents_cannot_record_homestead(engine: Engine, convention: Convention) -> None:
    resident = await joined(engine, "13800000001", "6001")

    replies = await resident.says("/homestead")
    forged = await resident.send_button("hs:annual")

    assert "您没有权限" in replies[0].text
    assert "这个按钮已失效" in forged[0].text


async def test_homestead_note_does_not_take_a_menu_button(engine: Engine, convention: Convention) -> None:
    chat = await joined(engine, "13800000009", "6009")
    await chat.says("/homestead")
    await chat.taps("一组")

    await chat.says("⚖️ 申诉处理")

    assert "请先回答上面的问题" in chat.texts()[0]
    assert "备注：" not in chat.texts()[-1]
