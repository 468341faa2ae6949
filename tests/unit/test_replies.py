"""Replies as the outbox keeps them, and the edit hint as a channel that cannot edit reads it."""

from __future__ import annotations

from handlers.replies import Choice, InputKind, InputRequest, MenuView, Reply, from_payload, to_payload, without_edit

OLD_ROW = {"text": "您好", "buttons": [[["✅ 受理", "rp:acc:7"]]], "keyboard": None, "remove_keyboard": False,
           "attachment": None, "location": None}  # as queued before the edit hint existed


def test_a_row_queued_before_the_edit_hint_loads_as_a_plain_message() -> None:
    reply = from_payload(OLD_ROW)

    assert reply.text == "您好"
    assert (reply.edit, reply.skippable) == (False, False)


def test_the_edit_hint_survives_the_outbox() -> None:
    reply = Reply("已发送 3 / 10", edit=True, skippable=True)

    assert from_payload(to_payload(reply)) == reply


def test_a_channel_that_cannot_edit_sends_a_change_that_matters_as_a_new_message() -> None:
    report = Reply("✅ 通知 #1 已发送完毕。", edit=True)

    assert without_edit(report) == Reply("✅ 通知 #1 已发送完毕。")


def test_a_channel_that_cannot_edit_drops_a_skippable_refresh() -> None:
    assert without_edit(Reply("已发送 3 / 10", edit=True, skippable=True)) is None


def test_a_plain_message_is_sent_as_it_is_by_every_channel() -> None:
    plain = Reply("您好", skippable=True)

    assert without_edit(plain) is plain


def test_a_queued_menu_keyboard_of_an_old_row_loads_as_the_menu() -> None:
    old = {**OLD_ROW, "buttons": [], "keyboard": [[["📣 我要反映", "none"], ["📊 我的积分", "none"]]]}

    reply = from_payload(old)

    assert reply.menu == MenuView(("📣 我要反映", "📊 我的积分"))


def test_a_queued_request_keyboard_of_an_old_row_loads_as_the_request() -> None:
    old = {**OLD_ROW, "buttons": [], "keyboard": [[["📱 分享我的手机号", "contact"]], [["⬅️ 返回", "none"]]]}

    reply = from_payload(old)

    assert reply.request == InputRequest("📱 分享我的手机号", InputKind.CONTACT)
    assert reply.suggestions == ("⬅️ 返回",)


def test_what_a_message_offers_survives_the_outbox() -> None:
    reply = Reply("在哪里？", choices=((Choice("⏭ 跳过", "rpt:skip"),),), navigation=(Choice("⬅️ 返回", "nav:back"),),
                  request=InputRequest("📍 发送位置", InputKind.LOCATION), suggestions=("⏭ 跳过",), hide_input=True)

    assert from_payload(to_payload(reply)) == reply
