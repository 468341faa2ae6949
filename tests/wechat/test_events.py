"""WeChat inputs as events: who, what, GCJ-02 locations, follows as /start, and choices by digit, label or id."""

from __future__ import annotations

from bot.wechat.codec import decode, encode
from bot.wechat.events import event_of, pick
from bot.wechat.inputs import (
    EventKind as WechatEventKind,
)
from bot.wechat.inputs import (
    Followed,
    ImageMessage,
    LocationMessage,
    MenuClicked,
    TextMessage,
    Unfollowed,
    VoiceMessage,
)
from handlers.events import EventKind
from storage.wechat_inbound import Offer
from village.geo import Datum

WHO = {"open_id": "o_1", "account": "gh_1", "created_at": 1_700_000_000}
OFFERS = (Offer(1, "张阿婆", "start:member:1"), Offer(2, "张小明", "start:member:2"))


def text(content: str, menu_id: str | None = None) -> TextMessage:
    return TextMessage(**WHO, msg_id="42", content=content, menu_id=menu_id)


def test_a_digit_picks_the_offered_choice_with_that_number() -> None:
    assert pick("2", None, OFFERS) == OFFERS[1]


def test_a_label_picks_its_choice() -> None:
    assert pick("张阿婆", None, OFFERS) == OFFERS[0]


def test_words_of_one_label_pick_it_and_words_of_several_or_one_letter_pick_none() -> None:
    kinds = (Offer(1, "🏚 违法建筑(五违)", "r:k:1"), Offer(2, "🛣 道路/设施", "r:k:2"), Offer(3, "🌳 绿化", "r:k:3"),
             Offer(4, "🚮 垃圾/环境卫生", "r:k:4"), Offer(5, "💧 河道/水环境", "r:k:5"))

    assert pick("道路", None, kinds) == kinds[1]  # a part of one label
    assert pick("道路设施", None, kinds) == kinds[1]  # the label without its emoji and punctuation
    assert pick(" 绿化！", None, kinds) == kinds[2]
    assert pick("道", None, kinds) is None  # one letter: too little to tell
    assert pick("环境", None, kinds) is None  # in two labels: the person is asked again
    assert pick("路灯坏了，晚上很黑", None, kinds) is None  # a sentence is text, not a choice


def test_a_menu_id_picks_its_choice_and_a_zero_id_falls_back_to_the_label() -> None:
    assert pick("whatever", "1", OFFERS) == OFFERS[0]
    assert pick("张小明", "0", OFFERS) == OFFERS[1]


def test_a_digit_is_text_when_no_choice_is_offered_or_it_is_out_of_range() -> None:
    assert pick("2", None, ()) is None
    assert pick("3", None, OFFERS) is None
    assert pick("１", None, OFFERS) is None  # a full-width digit is not a choice number


def test_a_number_is_itself_where_the_choices_are_numbers() -> None:
    seats = (Offer(1, "10", "pl:seats:10"), Offer(2, "20", "pl:seats:20"), Offer(3, "30", "pl:seats:30"))

    assert pick("2", None, seats) is None  # two seats typed, not the second choice's 20
    assert pick("20", None, seats) == seats[1]
    assert pick("x", "2", seats) == seats[1]  # a tap still picks by its menu id


def test_a_picked_choice_becomes_a_button_press_and_other_text_stays_text() -> None:
    pressed = event_of(text("1"), OFFERS)
    typed = event_of(text("路边垃圾"), OFFERS)

    assert pressed is not None
    assert (pressed.kind, pressed.payload) == (EventKind.BUTTON, "start:member:1")
    assert typed is not None
    assert (typed.kind, typed.text, typed.channel, typed.external_id) == (EventKind.TEXT, "路边垃圾", "wechat", "o_1")
    assert typed.can_share_contact is False


def test_a_location_is_gcj02() -> None:
    event = event_of(LocationMessage(**WHO, msg_id="7", latitude=30.92, longitude=121.47, scale=15, label="桥"))

    assert event is not None
    assert event.location is not None
    assert (event.location.latitude, event.location.longitude, event.location.datum) == (30.92, 121.47, Datum.GCJ02)


def test_a_follow_from_a_qr_code_is_start_with_the_scene_and_an_unfollow_is_no_event() -> None:
    follow = event_of(Followed(**WHO, kind=WechatEventKind.SUBSCRIBE, event_key="qrscene_hABC", scene="hABC"))

    assert follow is not None
    assert (follow.kind, follow.command, follow.text) == (EventKind.COMMAND, "start", "hABC")
    assert event_of(Unfollowed(**WHO, kind=WechatEventKind.UNSUBSCRIBE, event_key="")) is None


def test_photos_and_voice_carry_their_media_id_and_the_transcript_only_as_text() -> None:
    photo = event_of(ImageMessage(**WHO, msg_id="8", media_id="M1", pic_url="http://x"))
    voice = event_of(VoiceMessage(**WHO, msg_id="9", media_id="M2", format="amr", recognition="垃圾"))

    assert photo is not None
    assert voice is not None
    assert (photo.kind, photo.media and photo.media.file_ref) == (EventKind.PHOTO, "wechat:M1")
    assert (voice.kind, voice.text, voice.media and voice.media.mime_type) == (EventKind.VOICE, "垃圾", "audio/amr")


def test_a_menu_click_is_the_menu_label_it_stands_for_typed() -> None:
    click = MenuClicked(**WHO, kind=WechatEventKind.CLICK, event_key="hemei:report")

    event = event_of(click, clicked="📣 我要反映")

    assert event is not None
    assert (event.kind, event.text) == (EventKind.TEXT, "📣 我要反映")


def test_a_menu_click_that_stands_for_nothing_asks_for_the_menu() -> None:
    event = event_of(MenuClicked(**WHO, kind=WechatEventKind.CLICK, event_key="hemei:retired"))

    assert event is not None
    assert (event.kind, event.command) == (EventKind.COMMAND, "menu")


def test_inputs_survive_the_round_trip_through_the_inbound_table() -> None:
    inputs = [text("你好", "3"), Followed(**WHO, kind=WechatEventKind.SCAN, event_key="hX", scene="hX", ticket="T"),
              LocationMessage(**WHO, msg_id="7", latitude=30.92, longitude=121.47, scale=15, label="桥")]

    assert [decode(encode(i)) for i in inputs] == inputs
