"""Inputs the suite leaves out for now: each reproduces a defect another engineer of issue 10 is fixing.

Each filter names its defect and owner; the integrator deletes a filter (and its uses) after merging
the fix, so that the suite covers those inputs again. Nothing here is a defect of the suite.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from handlers.callback_data import unpack
from handlers.replies import Reply

if TYPE_CHECKING:
    from tests.properties.filing import Where

SMALL_ID = 2**31


def _small_id(argument: str) -> bool:
    return argument.isascii() and argument.isdigit() and int(argument) < SMALL_ID


def until_malformed_callback_arguments_fixed(data: str) -> bool:
    """Keep button data whose arguments are all small ids (or that is not ours at all).

    Defect (resilience): data of a real flow and action with an argument that is not a non-negative
    integer (`rpt:cat:`, `rpt:cat:x`) raises BadCallbackError out of the engine, and one of 2^63 or
    more raises OverflowError from SQLite, instead of the polite "button no longer valid" answer.
    Reproduction (tests/properties/exploration.explore, persona household_head):
    `[Start(4), PressForged("rpt:cat:")]`, `[Type("你好"), PressForged("rph:acc:9223372036854775808")]`.
    """
    callback = unpack(data)
    return callback is None or all(_small_id(argument) for argument in callback.args)


def until_back_clears_abandoned_fields_fixed(first: Where, later: Where | None) -> bool:
    """Keep report plans that answer the location question the same way when it is asked again after Back.

    Defect (engine/flows, "Back clearing abandoned draft fields"): type an address, tap Back, then
    send a location: the draft keeps both, the summary shows "位置：已发送" only, and the stored
    report also carries the abandoned address.
    Reproduction (test_report_summary._file): `ReportPlan(category=0, text="路灯", photos=0,
    where=Where(address="村口"), anonymous=False, backs=(4,), later_where=Where(point=(30.9, 121.5)))`.
    """
    return later is None or ((first.point is None) == (later.point is None)
                             and (first.address is None) == (later.address is None))


def until_inline_question_replaces_old_keyboard_fixed(replies: Sequence[Reply]) -> bool:
    """Whether to judge the reply keyboard after these replies; False when they ask a question by inline
    buttons only, without sending a keyboard.

    Defect (engine/flows, "keyboard per question"): such a question leaves the previous question's reply
    keyboard on the phone, e.g. a stranger at "📱 分享我的手机号" who sends /lang gets the language
    question with the share-phone key still under it (the engine swaps the keyboard only when the turn
    has an earlier message without buttons to carry it).
    Reproduction (explore, persona stranger): `[Command("start"), Command("lang")]`.
    """
    return not (replies and replies[-1].buttons and all(r.keyboard is None and not r.remove_keyboard
                                                        for r in replies))


def until_quick_flow_replaces_question_keyboard_fixed(replies: Sequence[Reply], in_conversation: bool) -> bool:
    """Whether to judge the reply keyboard after a turn that ended every conversation; False when that turn
    sent no keyboard.

    Defect (engine/flows, "keyboard per question"): a flow that answers at once and ends with
    `finish(..., menu=False)` ("the menu keyboard is still shown": /myreports, /queue, /board, the
    topic, meeting and matter lists) started by its command in the middle of a question leaves that
    question's ⬅️ 返回 / ❌ 取消 keys on the phone, e.g. a cadre at the check-in code sends /myreports.
    Reproduction (explore, persona cadre): `[Command("checkin"), Command("myreports")]`.
    """
    return in_conversation or any(r.keyboard is not None or r.remove_keyboard for r in replies)
