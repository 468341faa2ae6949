"""The conversation engine without Telegram: state survives, Back and Cancel work, bad input re-asks."""

from __future__ import annotations

from datetime import timedelta

from handlers.engine import Engine
from handlers.events import Event, EventKind
from tests.conversations.conftest import Chat, labels
from village.clock import ManualClock


async def join_as_stranger_to_name_step(chat: Chat) -> None:
    await chat.says("/start")
    await chat.shares_contact("+8613700000000")
    await chat.taps("和美村")


async def test_every_question_offers_back_and_cancel(chat: Chat) -> None:
    await chat.says("/start")
    first = labels(chat.replies)
    await chat.shares_contact("+8613700000000")

    assert {"⬅️ 返回", "❌ 取消"} <= set(first)
    assert {"⬅️ 返回", "❌ 取消"} <= set(labels(chat.replies))


async def test_back_returns_to_the_previous_question(chat: Chat) -> None:
    await join_as_stranger_to_name_step(chat)

    await chat.says("⬅️ 返回")

    assert "请问您住在哪个村？" in chat.texts()[-1]


async def test_cancel_ends_the_conversation_and_shows_the_menu(chat: Chat) -> None:
    await join_as_stranger_to_name_step(chat)

    await chat.taps("❌ 取消")

    assert chat.texts()[0] == "已取消。"
    assert "❓ 使用帮助" in labels(chat.replies)


async def test_unexpected_input_re_asks_with_a_hint(chat: Chat) -> None:
    await chat.says("/start")

    await chat.says("hello?")

    assert chat.texts()[0] == "请按下面的「📱 分享我的手机号」按钮。"
    assert "📱 分享我的手机号" in labels(chat.replies)


async def test_state_survives_a_new_engine_on_the_same_database(chat: Chat, engine: Engine) -> None:
    await join_as_stranger_to_name_step(chat)
    restarted = Chat(Engine(engine._flows.values(), database=engine._database, clock=engine._clock,
                            settings=engine._settings, renderer=engine._renderer, stranger_flow="start"),
                     chat.external_id)

    await restarted.says("刘新来")

    assert "申请已提交给村里" in restarted.texts()[0]


async def test_expired_conversation_is_forgotten_with_a_notice(chat: Chat, clock: ManualClock) -> None:
    await join_as_stranger_to_name_step(chat)
    clock.advance(timedelta(hours=25))

    await chat.says("刘新来")

    assert chat.texts()[0] == "加入操作已超时。请发送 /start 重新开始。"


async def test_redelivered_update_is_not_handled_twice(chat: Chat, engine: Engine) -> None:
    event = Event("test", chat.external_id, chat.external_id, EventKind.COMMAND, command="start", update_ref="dup-1")

    first = await engine.handle(event)
    second = await engine.handle(event)

    assert first
    assert second == []


async def test_a_resident_sees_five_big_buttons_and_more(engine: Engine) -> None:
    resident = Chat(engine, "7001")
    await resident.says("/start")

    joined = await resident.shares_contact("+8613800000001")
    more = await resident.says("➕ 更多")

    assert labels(joined) == ["📣 我要反映", "📂 我的反映", "😊 我的积分", "🗓 议事活动", "📬 通知公告", "➕ 更多"]
    assert {"👤 我的信息", "💬 议题征集", "🌐 语言 Language", "🏠 菜单"} <= set(labels(more))
    assert "📢 发布通知" not in labels(more)


async def test_a_cadre_also_gets_work_tools(engine: Engine) -> None:
    cadre = Chat(engine, "7009")
    await cadre.says("/start")
    await cadre.shares_contact("+8613800000009")

    tools = await cadre.says("🧰 工作台")
    opened = await cadre.says("📝 入村申请")

    assert {"📢 发布通知", "🗂 待办问题", "📝 入村申请", "🏠 菜单"} <= set(labels(tools))
    assert opened[0].text == "目前没有待审核的申请。"
