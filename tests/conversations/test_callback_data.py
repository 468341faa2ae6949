"""Malformed button data, as a tampered client sends it, is answered like a stale button: no traceback."""

from __future__ import annotations

import pytest

from bot.telegram_layout import inline_rows, keyboard_rows
from handlers import registry
from handlers.callback_data import MAX_ID, BadCallbackError, Callback, unpack
from handlers.engine import Engine
from handlers.keyboards import CANCEL, NAV
from tests.conversations.conftest import Chat

EXPIRED = "这个按钮已失效"
APOLOGY = "抱歉，系统出了点问题"
# What a client can forge: words, a number past any id column, one past MAX_ID, a sign, another script's
# digits, and a bad first argument before good ones (more forms: the int_arg tests below).
MALFORMED_ARGS = (":abc", f":{2**63}", f":{MAX_ID + 1}", ":-1", ":١٢", ":x:1:99999999999999999999")
ACTIONS = sorted(f"{flow.name}:{action}" for flow in registry.flows() for action in flow.actions)


async def joined_cadre(engine: Engine) -> Chat:
    chat = Chat(engine, "6009")
    await chat.says("/start")
    await chat.shares_contact("+8613800000009")
    return chat


async def first_answer(chat: Chat, data: str) -> str:
    """Press `data` from the menu (no conversation open) and return the first reply's text."""
    await chat.send_button(f"{NAV}:{CANCEL}")
    replies = await chat.send_button(data)
    return str(replies[0].text) if replies else ""


async def test_malformed_data_for_every_action_is_answered_like_a_stale_button(engine: Engine) -> None:
    cadre = await joined_cadre(engine)
    bare = {data: await first_answer(cadre, data) for data in ACTIONS}

    answers = {data + args: (bare[data], await first_answer(cadre, data + args))
               for data in ACTIONS for args in MALFORMED_ARGS}

    assert not [data for data, (_, malformed) in answers.items() if APOLOGY in malformed]
    # An action that takes an id says its button is no longer valid, both without the id and with a bad
    # one; an action that takes no argument ignores the extra one.
    assert not [data for data, (plain, malformed) in answers.items() if malformed not in (plain, EXPIRED)]
    assert sum(EXPIRED in malformed for _, malformed in answers.values()) > len(answers) // 2


@pytest.mark.parametrize("data", ["jr:ok:abc", "jr:no:x1", f"jr:ok:{2**63}"])
async def test_a_malformed_approval_is_answered_like_a_stale_button(engine: Engine, data: str) -> None:
    cadre = await joined_cadre(engine)

    replies = await cadre.send_button(data)

    assert EXPIRED in str(replies[0].text)
    assert "📣 我要反映" in [k.label for r in replies for row in keyboard_rows(r) or () for k in row]


@pytest.mark.parametrize("data", ["start:page:x", "start:village:abc", f"start:village:{2**63}"])
async def test_a_malformed_village_choice_re_asks_it(chat: Chat, data: str) -> None:
    await chat.says("/start")
    await chat.shares_contact("+8613700000000")

    replies = await chat.send_button(data)

    assert EXPIRED in str(replies[0].text)
    assert "和美村" in [b.label for r in replies for row in inline_rows(r) for b in row]


async def test_a_malformed_report_category_re_asks_it(engine: Engine) -> None:
    resident = Chat(engine, "6001")
    await resident.says("/start")
    await resident.shares_contact("+8613800000001")
    await resident.says("📣 我要反映")

    replies = await resident.send_button("rpt:cat:garbage")

    assert EXPIRED in str(replies[0].text)
    assert len(replies) > 1
    assert inline_rows(replies[-1])


@pytest.mark.parametrize("text", ["", "abc", "-1", "1_0", "١٢", " 7", "7\n", str(MAX_ID + 1), str(2**63)])
def test_int_arg_refuses_anything_but_a_plain_number_up_to_max_id(text: str) -> None:
    callback = Callback("rpt", "show", (text,))

    with pytest.raises(BadCallbackError):
        callback.int_arg()


def test_int_arg_accepts_the_largest_id() -> None:
    callback = unpack(f"rpt:show:0:{MAX_ID}")

    assert callback is not None
    assert (callback.int_arg(0), callback.int_arg(1)) == (0, MAX_ID)
