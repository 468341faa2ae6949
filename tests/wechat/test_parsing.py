"""Parsing pushes into typed inputs, on the message XML of wechatpy's test suite (test_parser.py, test_events.py)."""

from __future__ import annotations

import pytest

from bot.wechat.crypto import RefusedPush
from bot.wechat.inputs import (
    GCJ02,
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


def head(msg_type: str, *, sender: str = "fromUser", created: int = 1348831860) -> str:
    return (f"<ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[{sender}]]></FromUserName>"
            f"<CreateTime>{created}</CreateTime><MsgType><![CDATA[{msg_type}]]></MsgType>")


def event(name: str, body: str = "", *, sender: str = "FromUser") -> str:
    return f"<xml>{head('event', sender=sender, created=123456789)}<Event><![CDATA[{name}]]></Event>{body}</xml>"


TEXT = f"""<xml>
        {head("text")}
        <Content><![CDATA[this is a test]]></Content>
        <MsgId>1234567890123456</MsgId>
        </xml>"""


def test_a_text_message_parses_with_its_dedup_key() -> None:
    parsed = parse_input(TEXT)

    assert parsed == TextMessage(open_id="fromUser", account="toUser", created_at=1348831860,
                                 msg_id="1234567890123456", content="this is a test")
    assert parsed.dedup_key == ("message", "fromUser", "1234567890123456")


def test_a_menu_option_tap_carries_its_menu_id_even_when_it_is_zero() -> None:
    xml = TEXT.replace("</xml>", "<bizmsgmenuid>0</bizmsgmenuid></xml>")

    parsed = parse_input(xml)

    assert isinstance(parsed, TextMessage)
    assert parsed.menu_id == "0"


def test_an_image_message_parses() -> None:
    xml = f"""<xml>{head("image")}<PicUrl><![CDATA[this is a url]]></PicUrl>
        <MediaId><![CDATA[media_id]]></MediaId><MsgId>1234567890123456</MsgId></xml>"""

    assert parse_input(xml) == ImageMessage(open_id="fromUser", account="toUser", created_at=1348831860,
                                            msg_id="1234567890123456", media_id="media_id", pic_url="this is a url")


@pytest.mark.parametrize(("extra", "recognition"), [("", None), ("<Recognition><![CDATA[]]></Recognition>", None),
                                                     ("<Recognition><![CDATA[路灯坏了]]></Recognition>", "路灯坏了")])
def test_a_voice_message_keeps_the_audio_and_an_optional_transcript(extra: str, recognition: str | None) -> None:
    xml = f"""<xml>{head("voice", created=1357290913)}<MediaId><![CDATA[media_id]]></MediaId>
        <Format><![CDATA[Format]]></Format>{extra}<MsgId>1234567890123456</MsgId></xml>"""

    parsed = parse_input(xml)

    assert isinstance(parsed, VoiceMessage)
    assert (parsed.media_id, parsed.format, parsed.recognition) == ("media_id", "Format", recognition)


def test_a_location_message_is_gcj02_with_its_label() -> None:
    xml = f"""<xml>{head("location", created=1351776360)}<Location_X>23.134521</Location_X>
        <Location_Y>113.358803</Location_Y><Scale>20</Scale><Label><![CDATA[位置信息]]></Label>
        <MsgId>1234567890123456</MsgId></xml>"""

    parsed = parse_input(xml)

    assert isinstance(parsed, LocationMessage)
    assert (parsed.latitude, parsed.longitude, parsed.scale, parsed.label, parsed.datum) == (
        23.134521, 113.358803, 20, "位置信息", GCJ02)


def test_a_video_message_is_another_kind_of_message() -> None:
    xml = f"""<xml>{head("video", created=1357290913)}<MediaId><![CDATA[media_id]]></MediaId>
        <ThumbMediaId><![CDATA[thumb_media_id]]></ThumbMediaId><MsgId>1234567890123456</MsgId></xml>"""

    parsed = parse_input(xml)

    assert isinstance(parsed, OtherMessage)
    assert parsed.msg_type == "video"


def test_a_plain_follow_has_no_scene() -> None:
    parsed = parse_input(event("subscribe"))

    assert parsed == Followed(open_id="FromUser", account="toUser", created_at=123456789,
                              kind=EventKind.SUBSCRIBE, event_key="", scene=None)
    assert parsed.dedup_key == ("event", "FromUser", "123456789", "subscribe", "")


def test_a_follow_from_a_qr_code_carries_the_scene_and_keeps_the_pushed_key() -> None:
    parsed = parse_input(event("subscribe", "<EventKey><![CDATA[qrscene_123123]]></EventKey>"
                                            "<Ticket><![CDATA[TICKET]]></Ticket>"))

    assert isinstance(parsed, Followed)
    assert (parsed.scene, parsed.ticket, parsed.event_key) == ("123123", "TICKET", "qrscene_123123")


def test_a_scan_by_a_follower_carries_the_scene() -> None:
    parsed = parse_input(event("SCAN", "<EventKey><![CDATA[SCENE_VALUE]]></EventKey>"
                                       "<Ticket><![CDATA[TICKET]]></Ticket>"))

    assert isinstance(parsed, Followed)
    assert (parsed.kind, parsed.scene) == (EventKind.SCAN, "SCENE_VALUE")


def test_an_unfollow_parses() -> None:
    assert isinstance(parse_input(event("unsubscribe")), Unfollowed)


def test_a_menu_click_carries_its_key() -> None:
    parsed = parse_input(event("CLICK", "<EventKey><![CDATA[EVENTKEY]]></EventKey>"))

    assert isinstance(parsed, MenuClicked)
    assert (parsed.kind, parsed.event_key) == (EventKind.CLICK, "EVENTKEY")


def test_a_location_select_event_is_gcj02() -> None:
    body = """<EventKey><![CDATA[6]]></EventKey><SendLocationInfo><Location_X><![CDATA[23]]></Location_X>
        <Location_Y><![CDATA[113]]></Location_Y><Scale><![CDATA[15]]></Scale>
        <Label><![CDATA[广州市海珠区客村艺苑路 106号]]></Label><Poiname><![CDATA[]]></Poiname></SendLocationInfo>"""

    parsed = parse_input(event("location_select", body))

    assert isinstance(parsed, LocationSelected)
    assert (parsed.latitude, parsed.longitude, parsed.label, parsed.datum) == (
        23.0, 113.0, "广州市海珠区客村艺苑路 106号", GCJ02)


def test_a_pic_photo_or_album_event_counts_the_photos() -> None:
    body = """<EventKey><![CDATA[6]]></EventKey><SendPicsInfo><Count>1</Count><PicList><item>
        <PicMd5Sum><![CDATA[5a75aaca956d97be686719218f275c6b]]></PicMd5Sum></item></PicList></SendPicsInfo>"""

    parsed = parse_input(event("pic_photo_or_album", body))

    assert isinstance(parsed, PhotosChosen)
    assert parsed.count == 1


POPUP = """<SubscribeMsgPopupEvent>
    <List><TemplateId><![CDATA[VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc]]></TemplateId>
        <SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString><PopupScene>2</PopupScene></List>
    <List><TemplateId><![CDATA[9nLIlbOQZC5Y89AZteFEux3WCXRRRG5Wfzkpssu4bLI]]></TemplateId>
        <SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString><PopupScene>2</PopupScene></List>
</SubscribeMsgPopupEvent>"""


def test_a_subscription_popup_with_several_templates_lists_each() -> None:
    parsed = parse_input(event("subscribe_msg_popup_event", POPUP))

    assert isinstance(parsed, SubscriptionsChanged)
    assert parsed.items == (SubscriptionItem("VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc", "accept"),
                            SubscriptionItem("9nLIlbOQZC5Y89AZteFEux3WCXRRRG5Wfzkpssu4bLI", "reject"))


def test_a_subscription_change_with_one_template_is_a_list_of_one() -> None:
    body = """<SubscribeMsgChangeEvent><List>
        <TemplateId><![CDATA[VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc]]></TemplateId>
        <SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString></List></SubscribeMsgChangeEvent>"""

    parsed = parse_input(event("subscribe_msg_change_event", body))

    assert isinstance(parsed, SubscriptionsChanged)
    assert parsed.items == (SubscriptionItem("VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc", "reject"),)


def test_a_subscription_sent_event_carries_the_outcome() -> None:
    body = """<SubscribeMsgSentEvent><List>
        <TemplateId><![CDATA[VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc]]></TemplateId>
        <MsgID>1700827132819554304</MsgID><ErrorCode>0</ErrorCode><ErrorStatus><![CDATA[success]]></ErrorStatus>
        </List></SubscribeMsgSentEvent>"""

    parsed = parse_input(event("subscribe_msg_sent_event", body))

    assert isinstance(parsed, SubscriptionsChanged)
    assert parsed.items == (SubscriptionItem("VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc", "success",
                                             msg_id="1700827132819554304", error_code="0"),)


def test_a_template_job_finished_event_carries_its_status() -> None:
    parsed = parse_input(event("TEMPLATESENDJOBFINISH", "<MsgID>200163836</MsgID>"
                                                        "<Status><![CDATA[success]]></Status>"))

    assert isinstance(parsed, SendJobFinished)
    assert (parsed.kind, parsed.job_msg_id, parsed.status) == (EventKind.TEMPLATE_JOB_FINISHED, "200163836", "success")


def test_a_mass_send_job_finished_event_carries_its_counts() -> None:
    body = """<MsgID>1000001625</MsgID><Status><![CDATA[err(30003)]]></Status><TotalCount>3</TotalCount>
        <FilterCount>2</FilterCount><SentCount>1</SentCount><ErrorCount>1</ErrorCount>
        <CopyrightCheckResult><Count>2</Count><ResultList><item><ArticleIdx>1</ArticleIdx></item>
        <item><ArticleIdx>2</ArticleIdx></item></ResultList><CheckState>2</CheckState></CopyrightCheckResult>"""

    parsed = parse_input(event("MASSSENDJOBFINISH", body, sender="oV5CrjpxgaGXNHIQigzNlgLTnwic"))

    assert isinstance(parsed, SendJobFinished)
    assert (parsed.job_msg_id, parsed.status, parsed.total, parsed.filtered, parsed.sent, parsed.errors) == (
        "1000001625", "err(30003)", 3, 2, 1, 1)


@pytest.mark.parametrize("name", ["LOCATION", "kf_create_session", "something_new"])
def test_an_event_we_do_not_handle_is_none(name: str) -> None:
    assert parse_input(event(name)) is None


@pytest.mark.parametrize("xml", [
    "", "not xml", "<xml></xml>", "<xml><MsgType>text</MsgType></xml>", "<other/>",
    f"<xml>{head('text')}<Content>x</Content></xml>",  # no MsgId
    f"<xml>{head('location')}<Location_X>north</Location_X><Location_Y>1</Location_Y><MsgId>1</MsgId></xml>",
    '<!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa">]><xml><MsgType>&a;</MsgType></xml>',
    "<xml><FromUserName><a>nested</a></FromUserName></xml>",
])
def test_malformed_xml_is_refused_not_raised(xml: str) -> None:
    with pytest.raises(RefusedPush):
        parse_input(xml)
