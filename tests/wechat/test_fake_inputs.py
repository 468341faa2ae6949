"""The fake's XML factories parse into the inputs they stand for, so the fake and our parser agree."""

from __future__ import annotations

import pytest

from bot.wechat.fake import InputFactory, Trigger
from bot.wechat.inputs import (
    EventKind,
    Followed,
    ImageMessage,
    LocationMessage,
    LocationSelected,
    MenuClicked,
    OtherMessage,
    PhotosChosen,
    SendJobFinished,
    SubscriptionItem,
    SubscriptionsChanged,
    TextMessage,
    Unfollowed,
    VoiceMessage,
)
from bot.wechat.parsing import parse_input
from village.clock import ManualClock


@pytest.fixture
def inputs(clock: ManualClock) -> InputFactory:
    return InputFactory(clock)


def test_messages_parse_back(inputs: InputFactory) -> None:
    parsed = [parse_input(p.xml) for p in (
        inputs.text("o", "1 ]]> & <b>"), inputs.image("o", "M1"), inputs.voice("o", "M2", recognition="你好"),
        inputs.location("o", 30.9, 121.5, "奉贤区"), inputs.video("o", "M3"))]

    assert [type(p) for p in parsed] == [TextMessage, ImageMessage, VoiceMessage, LocationMessage, OtherMessage]
    assert parsed[0].content == "1 ]]> & <b>"  # type: ignore[union-attr]
    assert parsed[2].recognition == "你好"  # type: ignore[union-attr]
    assert (parsed[3].latitude, parsed[3].label) == (30.9, "奉贤区")  # type: ignore[union-attr]


def test_each_message_has_its_own_id(inputs: InputFactory) -> None:
    first, second = (parse_input(inputs.text("o", "same").xml) for _ in range(2))

    assert first.dedup_key != second.dedup_key  # type: ignore[union-attr]


def test_a_menu_tap_is_text_with_a_menu_id_and_opens_the_short_window(inputs: InputFactory) -> None:
    push = inputs.text("o", "报名", menu_id="101")

    parsed = parse_input(push.xml)

    assert isinstance(parsed, TextMessage)
    assert (parsed.menu_id, push.opens) == ("101", Trigger.ACTION)


def test_events_parse_back(inputs: InputFactory) -> None:
    parsed = [parse_input(p.xml) for p in (
        inputs.subscribe("o", scene="FX01-0042"), inputs.scan("o", "FX01-0042"), inputs.unsubscribe("o"),
        inputs.click("o", "REPORT"), inputs.view("o", "https://h5"),
        inputs.location_select("o", "WHERE", 30.9, 121.5, "南桥镇"), inputs.pic_photo_or_album("o", "PHOTO", count=2),
        inputs.job_finished("o", "TEMPLATESENDJOBFINISH", "77"), inputs.job_finished("o", "MASSSENDJOBFINISH", "78"))]

    assert [type(p) for p in parsed] == [Followed, Followed, Unfollowed, MenuClicked, MenuClicked, LocationSelected,
                                         PhotosChosen, SendJobFinished, SendJobFinished]
    assert [p.kind for p in parsed][:2] == [EventKind.SUBSCRIBE, EventKind.SCAN]  # type: ignore[union-attr]
    assert parsed[0].scene == parsed[1].scene == "FX01-0042"  # type: ignore[union-attr]
    assert parsed[6].count == 2  # type: ignore[union-attr]


@pytest.mark.parametrize("event", ["subscribe_msg_popup_event", "subscribe_msg_change_event",
                                   "subscribe_msg_sent_event"])
@pytest.mark.parametrize("count", [1, 2])
def test_subscription_events_parse_back_with_one_or_several_items(inputs: InputFactory, event: str,
                                                                  count: int) -> None:
    items = [{"TemplateId": f"T{n}", "SubscribeStatusString": "accept"} for n in range(count)]

    parsed = parse_input(inputs.subscription_event("o", event, items).xml)

    assert isinstance(parsed, SubscriptionsChanged)
    assert parsed.items == tuple(SubscriptionItem(f"T{n}", "accept") for n in range(count))


def test_an_unknown_event_parses_to_nothing(inputs: InputFactory) -> None:
    assert parse_input(inputs.raw_event("o", "user_pay_from_pay_cell").xml) is None
