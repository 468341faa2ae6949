"""What a person did on WeChat, as typed values: messages and events, each with its deduplication key.

WeChat retries a push it got no answer to within 5 s; messages repeat their `MsgId`, events have none,
so they are recognised by who, when (seconds), which event and its key.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

GCJ02 = "GCJ-02"  # China's obfuscated datum that WeChat reports; never treat it as WGS-84

DedupKey = tuple[str, ...]


@dataclass(frozen=True)
class Inbound:
    """Anything pushed to the callback: who sent it, to which account, and when (Unix seconds)."""

    open_id: str
    account: str
    created_at: int


@dataclass(frozen=True)
class Message(Inbound):
    """Something the person sent; it opens the 48-hour customer-service window."""

    msg_id: str

    @property
    def dedup_key(self) -> DedupKey:
        """Return the key WeChat's retries of this message share."""
        return ("message", self.open_id, self.msg_id)


@dataclass(frozen=True)
class TextMessage(Message):
    """Typed text, or a tap on a `msgmenu` option (then `menu_id` is set; it has been seen as "0")."""

    content: str
    menu_id: str | None = None


@dataclass(frozen=True)
class ImageMessage(Message):
    """A photo: download it by `media_id` within 3 days."""

    media_id: str
    pic_url: str


@dataclass(frozen=True)
class VoiceMessage(Message):
    """A voice message (AMR); `recognition` is WeChat's transcript, often empty: a hint only."""

    media_id: str
    format: str
    recognition: str | None = None


@dataclass(frozen=True)
class LocationMessage(Message):
    """A shared location, in GCJ-02."""

    latitude: float
    longitude: float
    scale: int
    label: str
    datum: str = GCJ02


@dataclass(frozen=True)
class OtherMessage(Message):
    """A kind of message we do not handle (video, link, ...): answered with a hint, not ignored."""

    msg_type: str


class EventKind(StrEnum):
    """The events we handle, by WeChat's `Event` value (lower-cased)."""

    SUBSCRIBE = "subscribe"
    SCAN = "scan"
    UNSUBSCRIBE = "unsubscribe"
    CLICK = "click"
    VIEW = "view"
    LOCATION_SELECT = "location_select"
    PIC_PHOTO_OR_ALBUM = "pic_photo_or_album"
    PIC_SYSPHOTO = "pic_sysphoto"
    PIC_WEIXIN = "pic_weixin"
    SUBSCRIBE_MSG_POPUP = "subscribe_msg_popup_event"
    SUBSCRIBE_MSG_CHANGE = "subscribe_msg_change_event"
    SUBSCRIBE_MSG_SENT = "subscribe_msg_sent_event"
    TEMPLATE_JOB_FINISHED = "templatesendjobfinish"
    MASS_JOB_FINISHED = "masssendjobfinish"


@dataclass(frozen=True)
class Event(Inbound):
    """Something WeChat tells us happened; `event_key` as pushed (e.g. `qrscene_<scene>`)."""

    kind: EventKind
    event_key: str

    @property
    def dedup_key(self) -> DedupKey:
        """Return the key WeChat's retries of this event share."""
        return ("event", self.open_id, str(self.created_at), self.kind.value, self.event_key)


@dataclass(frozen=True)
class Followed(Event):
    """A follow (subscribe), or a scan of a QR code (SCAN, already following); `scene` from the code."""

    scene: str | None = None
    ticket: str | None = None


@dataclass(frozen=True)
class Unfollowed(Event):
    """The person stopped following the account: nothing can be sent to them any more."""


@dataclass(frozen=True)
class MenuClicked(Event):
    """A tap on a custom-menu item: `click` (key in `event_key`) or `view` (the URL in `event_key`)."""


@dataclass(frozen=True)
class LocationSelected(Event):
    """A location chosen from a `location_select` menu item, in GCJ-02."""

    latitude: float
    longitude: float
    label: str
    datum: str = GCJ02


@dataclass(frozen=True)
class PhotosChosen(Event):
    """Photos chosen from a picture menu item; the photos themselves follow as image messages."""

    count: int


@dataclass(frozen=True)
class SubscriptionItem:
    """One template in a subscription event: the person's choice, or the outcome of a send."""

    template_id: str
    status: str
    msg_id: str | None = None
    error_code: str | None = None


@dataclass(frozen=True)
class SubscriptionsChanged(Event):
    """A subscription pop-up answered, subscriptions changed in settings, or a notification's outcome."""

    items: tuple[SubscriptionItem, ...]


@dataclass(frozen=True)
class SendJobFinished(Event):
    """A template message or a mass send finished; `status` is "success" or an error text."""

    job_msg_id: str
    status: str
    total: int = 0
    filtered: int = 0
    sent: int = 0
    errors: int = 0


Input = TextMessage | ImageMessage | VoiceMessage | LocationMessage | OtherMessage | Event
