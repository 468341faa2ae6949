"""Replies laid out for WeChat: a turn merged, choices numbered with bizmsgmenu links, keys listed."""

from __future__ import annotations

from bot.wechat.rendering import fits_passive, lay_out, merge
from handlers.replies import Attachment, AttachmentKind, Choice, InputKind, InputRequest, Reply

CHOICES = ((Choice("满意", "r:1"), Choice("不满意", "r:3")),)


def test_consecutive_texts_merge_and_a_picture_stays_apart() -> None:
    picture = Reply("", attachment=Attachment(AttachmentKind.PHOTO, path="a.png"))

    merged = merge([Reply("一"), Reply("二", choices=CHOICES), picture, Reply("三")])

    assert [str(r.text) for r in merged] == ["一\n\n二", "", "三"]
    assert merged[0].choices == CHOICES


def test_choices_are_numbered_lines_with_links_whose_tap_sends_the_label() -> None:
    laid = lay_out(Reply("请评价：", choices=CHOICES), links=True)

    assert laid.text.splitlines()[2:] == [
        '1. <a href="weixin://bizmsgmenu?msgmenucontent=满意&msgmenuid=1">满意</a>',
        '2. <a href="weixin://bizmsgmenu?msgmenucontent=不满意&msgmenuid=2">不满意</a>']
    assert [(o.position, o.label, o.payload) for o in laid.offers] == [(1, "满意", "r:1"), (2, "不满意", "r:3")]


def test_keys_are_listed_and_a_location_key_is_not_a_link() -> None:
    laid = lay_out(Reply("在哪里？", request=InputRequest("📍 发送我的位置", InputKind.LOCATION),
                         navigation=(Choice("⬅️ 返回", "nav:back"), Choice("❌ 取消", "nav:cancel"))), links=True)

    assert "▪ 📍 发送我的位置" in laid.text.splitlines()
    assert '▪ <a href="weixin://bizmsgmenu?msgmenucontent=❌ 取消&msgmenuid=k3">❌ 取消</a>' in laid.text
    assert laid.offers == ()


def test_a_label_cannot_break_out_of_its_link() -> None:
    laid = lay_out(Reply("", choices=((Choice('a"><script>', "x"),),)), links=True)

    assert "<script>" not in laid.text


def test_a_passive_reply_holds_at_most_2048_bytes() -> None:
    assert fits_passive("字" * 682)  # 2,046 bytes
    assert not fits_passive("字" * 683)


def test_back_and_cancel_are_numbered_beside_choices_but_typed_keys_under_a_typed_question() -> None:
    navigation = (Choice("⬅️ 返回", "nav:back"), Choice("❌ 取消", "nav:cancel"))

    with_choices = lay_out(Reply("请评价：", choices=CHOICES, navigation=navigation), links=False)
    typed = lay_out(Reply("名额多少人？", navigation=navigation), links=False)

    assert [o.label for o in with_choices.offers] == ["满意", "不满意", "⬅️ 返回", "❌ 取消"]
    assert typed.offers == ()  # a digit typed here is the answer, not a choice
    assert typed.text.splitlines()[-2:] == ["▪ ⬅️ 返回", "▪ ❌ 取消"]


def test_a_progress_refresh_is_dropped_and_an_edit_arrives_as_a_new_message() -> None:
    merged = merge([Reply("进度 50%", edit=True, skippable=True), Reply("已送达 100 人", edit=True),
                    Reply("", acknowledgement="👌 收到。", hide_input=True)])

    assert [str(r.text) for r in merged] == ["已送达 100 人"]
    assert not merged[0].edit
