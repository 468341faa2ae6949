"""XML factories for every push the fake sends: messages and events as WeChat writes them."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from xml.sax.saxutils import escape

from bot.wechat.fake.windows import Trigger
from village.clock import Clock

FAKE_ACCOUNT = "gh_fake_account"


@dataclass(frozen=True)
class Push:
    """A push's XML, whom it is from, and which window it opens on the fake's side."""

    xml: str
    open_id: str
    opens: Trigger | None = None
    unfollows: bool = False


class InputFactory:
    """Builds pushes stamped with the clock's time and increasing message ids."""

    def __init__(self, clock: Clock, *, account: str = FAKE_ACCOUNT) -> None:
        self._clock, self._account = clock, account
        self._msg_ids = itertools.count(24_000_000_000_000_001)

    def text(self, open_id: str, content: str, *, menu_id: str | None = None) -> Push:
        """A typed text, or with `menu_id` a tap on a `msgmenu` option (which opens the short window)."""
        extra = _element("bizmsgmenuid", menu_id) if menu_id is not None else ""
        trigger = Trigger.ACTION if menu_id is not None else Trigger.MESSAGE
        return self._message(open_id, "text", _element("Content", content) + extra, trigger)

    def image(self, open_id: str, media_id: str, *, pic_url: str = "http://mmbiz.qpic.cn/fake.jpg") -> Push:
        """A photo."""
        return self._message(open_id, "image", _element("PicUrl", pic_url) + _element("MediaId", media_id))

    def voice(self, open_id: str, media_id: str, *, recognition: str | None = None) -> Push:
        """A voice message; `recognition` None leaves the element out, as WeChat often does."""
        extra = _element("Recognition", recognition) if recognition is not None else ""
        return self._message(open_id, "voice", _element("MediaId", media_id) + _element("Format", "amr") + extra)

    def location(self, open_id: str, latitude: float, longitude: float, label: str, *, scale: int = 15) -> Push:
        """A shared location (GCJ-02)."""
        body = (f"<Location_X>{latitude}</Location_X><Location_Y>{longitude}</Location_Y>"
                f"<Scale>{scale}</Scale>{_element('Label', label)}")
        return self._message(open_id, "location", body)

    def video(self, open_id: str, media_id: str) -> Push:
        """A video, which Hemei does not handle."""
        return self._message(open_id, "video", _element("MediaId", media_id) + _element("ThumbMediaId", "thumb"))

    def subscribe(self, open_id: str, *, scene: str | None = None) -> Push:
        """A follow, from a QR code with `scene` when given."""
        extra = _element("EventKey", f"qrscene_{scene}") + _element("Ticket", "TICKET") if scene else ""
        return self._event(open_id, "subscribe", extra, Trigger.ACTION)

    def scan(self, open_id: str, scene: str) -> Push:
        """A QR code scanned by someone already following."""
        return self._event(open_id, "SCAN", _element("EventKey", scene) + _element("Ticket", "TICKET"),
                           Trigger.ACTION)

    def unsubscribe(self, open_id: str) -> Push:
        """An unfollow."""
        push = self._event(open_id, "unsubscribe", "")
        return Push(push.xml, open_id, unfollows=True)

    def click(self, open_id: str, key: str) -> Push:
        """A tap on a `click` item of the custom menu."""
        return self._event(open_id, "CLICK", _element("EventKey", key), Trigger.ACTION)

    def view(self, open_id: str, url: str) -> Push:
        """A tap on a `view` item (an H5 page)."""
        return self._event(open_id, "VIEW", _element("EventKey", url))

    def location_select(self, open_id: str, key: str, latitude: float, longitude: float, label: str) -> Push:
        """A location chosen from a `location_select` menu item."""
        info = (f"<SendLocationInfo><Location_X>{latitude}</Location_X><Location_Y>{longitude}</Location_Y>"
                f"<Scale>15</Scale>{_element('Label', label)}<Poiname></Poiname></SendLocationInfo>")
        return self._event(open_id, "location_select", _element("EventKey", key) + info, Trigger.ACTION)

    def pic_photo_or_album(self, open_id: str, key: str, *, count: int = 1) -> Push:
        """Photos chosen from a `pic_photo_or_album` menu item."""
        items = "".join(f"<item>{_element('PicMd5Sum', f'md5-{i}')}</item>" for i in range(count))
        info = f"<SendPicsInfo><Count>{count}</Count><PicList>{items}</PicList></SendPicsInfo>"
        return self._event(open_id, "pic_photo_or_album", _element("EventKey", key) + info, Trigger.ACTION)

    def subscription_event(self, open_id: str, event: str, items: list[dict[str, str]]) -> Push:
        """A `subscribe_msg_*_event`: one item is written as WeChat does for one, several as a list."""
        wrapper = "".join(part.capitalize() for part in event.removesuffix("_event").split("_")) + "Event"
        lists = "".join("<List>" + "".join(_element(k, v) for k, v in item.items()) + "</List>" for item in items)
        return self._event(open_id, event, f"<{wrapper}>{lists}</{wrapper}>")

    def job_finished(self, open_id: str, event: str, msg_id: str, status: str = "success") -> Push:
        """`TEMPLATESENDJOBFINISH` or `MASSSENDJOBFINISH`."""
        counts = "<TotalCount>1</TotalCount><FilterCount>1</FilterCount><SentCount>1</SentCount><ErrorCount>0" \
                 "</ErrorCount>" if event == "MASSSENDJOBFINISH" else ""
        return self._event(open_id, event, f"<MsgID>{msg_id}</MsgID>{_element('Status', status)}{counts}")

    def raw_event(self, open_id: str, event: str) -> Push:
        """Any other event, e.g. one Hemei does not know."""
        return self._event(open_id, event, "")

    def _message(self, open_id: str, msg_type: str, body: str, opens: Trigger | None = Trigger.MESSAGE) -> Push:
        xml = self._envelope(open_id, msg_type, body + f"<MsgId>{next(self._msg_ids)}</MsgId>")
        return Push(xml, open_id, opens)

    def _event(self, open_id: str, event: str, body: str, opens: Trigger | None = None) -> Push:
        return Push(self._envelope(open_id, "event", _element("Event", event) + body), open_id, opens)

    def _envelope(self, open_id: str, msg_type: str, body: str) -> str:
        return (f"<xml>{_element('ToUserName', self._account)}{_element('FromUserName', open_id)}"
                f"<CreateTime>{int(self._clock.now().timestamp())}</CreateTime>{_element('MsgType', msg_type)}"
                f"{body}</xml>")


def _element(name: str, value: str) -> str:
    # WeChat writes CDATA; escaped text parses the same and cannot be broken by "]]>" in a test's string.
    return f"<{name}>{escape(value)}</{name}>"
