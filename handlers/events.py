"""What a person did, in any channel: the input of every conversation step."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from village.geo import Datum, GeoPoint


class EventKind(StrEnum):
    """The kinds of input the bot understands."""

    TEXT = "text"
    COMMAND = "command"
    BUTTON = "button"
    CONTACT = "contact"
    LOCATION = "location"
    PHOTO = "photo"
    VOICE = "voice"
    DOCUMENT = "document"
    OTHER = "other"  # stickers, videos, polls: things we answer with a hint


@dataclass(frozen=True)
class Contact:
    """A shared phone contact; `is_own` when it is the sender's own (not forwarded)."""

    phone: str
    is_own: bool
    name: str = ""


@dataclass(frozen=True)
class Location:
    """A shared point, in the datum its channel uses (Telegram WGS-84, WeChat GCJ-02)."""

    latitude: float
    longitude: float
    datum: Datum

    @property
    def point(self) -> GeoPoint:
        """Return the point on the map."""
        return GeoPoint(self.latitude, self.longitude, self.datum)


@dataclass(frozen=True)
class Media:
    """A photo, voice message or file.

    The adapter copies it into our media store before the engine sees the event and sets `media_id`
    (None when the file was refused, e.g. over the size limit); `file_ref` is the channel's reference,
    for the adapter only: steps keep `media_id`.
    """

    file_ref: str
    size: int | None = None
    mime_type: str | None = None
    file_name: str | None = None
    duration: int | None = None
    media_id: int | None = None


@dataclass(frozen=True)
class Event:
    """One input from one person.

    `text` holds typed text, a caption, or a command's argument; `payload` a
    pressed button's data. `update_ref` lets the engine drop a redelivered update,
    and `message_ref` names the message whose button was pressed (for edits).
    `can_share_contact` says whether the person's app can share a phone number at all.
    """

    channel: str
    external_id: str
    chat_ref: str
    kind: EventKind
    text: str = ""
    command: str | None = None
    payload: str | None = None
    contact: Contact | None = None
    location: Location | None = None
    media: Media | None = None
    display_name: str = ""
    update_ref: str | None = None
    message_ref: str | None = None
    can_share_contact: bool = True  # False where the channel has no phone-number request (WeChat)
