"""Pushed XML into typed inputs, through wechatpy's parser; garbage becomes `RefusedPush`, unknown events None."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from wechatpy import parse_message

from bot.wechat.crypto import GARBAGE_ERRORS, RefusedPush
from bot.wechat.inputs import (
    Event,
    EventKind,
    Followed,
    ImageMessage,
    Input,
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

Fields = Mapping[str, Any]
QR_SCENE_PREFIX = "qrscene_"
# The element that wraps each subscription event's List.
_SUBSCRIPTION_WRAPPERS = {
    EventKind.SUBSCRIBE_MSG_POPUP: "SubscribeMsgPopupEvent",
    EventKind.SUBSCRIBE_MSG_CHANGE: "SubscribeMsgChangeEvent",
    EventKind.SUBSCRIBE_MSG_SENT: "SubscribeMsgSentEvent",
}


def parse_input(xml: str) -> Input | None:
    """Return the typed input of a decrypted push, or None for an event we do not handle.

    Raises:
        RefusedPush: the XML is malformed or lacks a field every push has.
    """
    try:
        message = parse_message(xml)
        if message is None:
            raise RefusedPush("empty push")
        return _typed(message.type, dict(message._data))
    except GARBAGE_ERRORS as error:
        raise RefusedPush(f"malformed push: {type(error).__name__}") from None


def _typed(kind: str, fields: dict[str, Any]) -> Input | None:
    if kind != "event" and fields.get("MsgType") != "event":
        return _message(str(fields["MsgType"]).lower(), fields)
    event = str(fields["Event"]).lower()
    if event == "subscribe_scan":  # wechatpy renamed a QR follow and cut the prefix; restore what was pushed
        event, fields["EventKey"] = "subscribe", QR_SCENE_PREFIX + _text(fields, "EventKey")
    try:
        return _event(EventKind(event), fields)
    except ValueError:
        return None


def _message(msg_type: str, fields: Fields) -> Input:
    common = {**_common(fields), "msg_id": _required(fields, "MsgId")}
    match msg_type:
        case "text":
            return TextMessage(**common, content=_text(fields, "Content"),
                               menu_id=_text(fields, "bizmsgmenuid") or None)
        case "image":
            return ImageMessage(**common, media_id=_required(fields, "MediaId"), pic_url=_text(fields, "PicUrl"))
        case "voice":
            return VoiceMessage(**common, media_id=_required(fields, "MediaId"), format=_text(fields, "Format"),
                                recognition=_text(fields, "Recognition") or None)
        case "location":
            return LocationMessage(**common, latitude=float(fields["Location_X"]),
                                   longitude=float(fields["Location_Y"]), scale=int(fields.get("Scale") or 0),
                                   label=_text(fields, "Label"))
    return OtherMessage(**common, msg_type=msg_type)


def _event(kind: EventKind, fields: Fields) -> Event:
    common = {**_common(fields), "kind": kind, "event_key": _text(fields, "EventKey")}
    return _EVENT_BUILDERS.get(kind, _menu_clicked)(common, fields)


def _followed(common: dict[str, Any], fields: Fields) -> Event:
    key = common["event_key"]
    scene = key.removeprefix(QR_SCENE_PREFIX) if common["kind"] is EventKind.SUBSCRIBE else key
    return Followed(**common, scene=scene or None, ticket=_text(fields, "Ticket") or None)


def _unfollowed(common: dict[str, Any], fields: Fields) -> Event:
    return Unfollowed(**common)


def _menu_clicked(common: dict[str, Any], fields: Fields) -> Event:
    return MenuClicked(**common)


def _location_selected(common: dict[str, Any], fields: Fields) -> Event:
    info = fields["SendLocationInfo"]
    return LocationSelected(**common, latitude=float(info["Location_X"]), longitude=float(info["Location_Y"]),
                            label=_text(info, "Label"))


def _photos_chosen(common: dict[str, Any], fields: Fields) -> Event:
    return PhotosChosen(**common, count=int(fields["SendPicsInfo"]["Count"]))


def _subscriptions(common: dict[str, Any], fields: Fields) -> Event:
    listed = (fields.get(_SUBSCRIPTION_WRAPPERS[common["kind"]]) or {}).get("List") or []
    # One template arrives as a dict, several as a list.
    items = [listed] if isinstance(listed, dict) else listed
    return SubscriptionsChanged(**common, items=tuple(_subscription_item(item) for item in items))


def _subscription_item(item: Fields) -> SubscriptionItem:
    return SubscriptionItem(template_id=_required(item, "TemplateId"),
                            status=_text(item, "SubscribeStatusString") or _text(item, "ErrorStatus"),
                            msg_id=_text(item, "MsgID") or None, error_code=_text(item, "ErrorCode") or None)


def _job_finished(common: dict[str, Any], fields: Fields) -> Event:
    def count(name: str) -> int:
        return int(fields.get(name) or 0)

    return SendJobFinished(**common, job_msg_id=_required(fields, "MsgID"), status=_text(fields, "Status"),
                           total=count("TotalCount"), filtered=count("FilterCount"), sent=count("SentCount"),
                           errors=count("ErrorCount"))


_EVENT_BUILDERS: dict[EventKind, Callable[[dict[str, Any], Fields], Event]] = {
    EventKind.SUBSCRIBE: _followed,
    EventKind.SCAN: _followed,
    EventKind.UNSUBSCRIBE: _unfollowed,
    EventKind.LOCATION_SELECT: _location_selected,
    EventKind.PIC_PHOTO_OR_ALBUM: _photos_chosen,
    EventKind.PIC_SYSPHOTO: _photos_chosen,
    EventKind.PIC_WEIXIN: _photos_chosen,
    EventKind.SUBSCRIBE_MSG_POPUP: _subscriptions,
    EventKind.SUBSCRIBE_MSG_CHANGE: _subscriptions,
    EventKind.SUBSCRIBE_MSG_SENT: _subscriptions,
    EventKind.TEMPLATE_JOB_FINISHED: _job_finished,
    EventKind.MASS_JOB_FINISHED: _job_finished,
}


def _common(fields: Fields) -> dict[str, Any]:
    return {"open_id": _required(fields, "FromUserName"), "account": _required(fields, "ToUserName"),
            "created_at": int(fields["CreateTime"])}


def _text(fields: Fields, name: str) -> str:
    value = fields.get(name)
    return value if isinstance(value, str) else ""


def _required(fields: Fields, name: str) -> str:
    value = _text(fields, name)
    if not value:
        raise RefusedPush(f"push without {name}")
    return value

