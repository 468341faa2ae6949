"""What a person should see: text, inline buttons, a reply keyboard, an image or a file.

The same shape serves direct replies and queued messages; queued ones are stored
rendered (every text a plain string) through `to_payload` / `from_payload`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from handlers.texts import Content


class KeyRequest(StrEnum):
    """What a reply-keyboard button asks the phone to send."""

    NONE = "none"
    CONTACT = "contact"
    LOCATION = "location"


class AttachmentKind(StrEnum):
    """How an attachment is shown."""

    PHOTO = "photo"
    DOCUMENT = "document"
    VOICE = "voice"


@dataclass(frozen=True)
class Button:
    """An inline button under a message; `data` comes from `handlers.callback_data`."""

    label: Content
    data: str


@dataclass(frozen=True)
class KeyButton:
    """A big button on the reply keyboard; pressing it sends its label (or a contact or location)."""

    label: Content
    request: KeyRequest = KeyRequest.NONE


@dataclass(frozen=True)
class Attachment:
    """An image or file: a kept file by our media id, or one we just made (a path on disk or bytes)."""

    kind: AttachmentKind
    path: str | None = None
    data: bytes | None = None
    media_id: int | None = None
    file_name: str | None = None


Rows = tuple[tuple[Button, ...], ...]
KeyRows = tuple[tuple[KeyButton, ...], ...]


@dataclass(frozen=True)
class Reply:
    """One message to show.

    `keyboard` replaces the reply keyboard (None leaves it as it is);
    `remove_keyboard` hides it; `edit` replaces the message whose button was pressed.
    """

    text: Content = ""
    buttons: Rows = ()
    keyboard: KeyRows | None = None
    remove_keyboard: bool = False
    attachment: Attachment | None = None
    edit: bool = False
    location: tuple[float, float] | None = None  # latitude, longitude in WGS-84; each channel converts


def to_payload(reply: Reply) -> dict[str, Any]:
    """Serialise a rendered reply (all text already strings) for the outbox."""
    attachment = reply.attachment
    if attachment is not None and attachment.data is not None:
        raise ValueError("queued messages carry attachments by path or media id, not bytes")
    return {
        "text": _plain(reply.text),
        "buttons": [[[_plain(b.label), b.data] for b in row] for row in reply.buttons],
        "keyboard": None if reply.keyboard is None else [
            [[_plain(k.label), k.request.value] for k in row] for row in reply.keyboard],
        "remove_keyboard": reply.remove_keyboard,
        "attachment": None if attachment is None else {
            "kind": attachment.kind.value, "path": attachment.path, "media_id": attachment.media_id,
            "file_name": attachment.file_name},
        "location": list(reply.location) if reply.location else None,
    }


def from_payload(payload: dict[str, Any]) -> Reply:
    """Rebuild a rendered reply from the outbox."""
    keyboard = payload.get("keyboard")
    attachment = payload.get("attachment")
    location = payload.get("location")
    return Reply(
        text=payload.get("text", ""),
        buttons=tuple(tuple(Button(label, data) for label, data in row) for row in payload.get("buttons", [])),
        keyboard=None if keyboard is None else tuple(
            tuple(KeyButton(label, KeyRequest(request)) for label, request in row) for row in keyboard),
        remove_keyboard=bool(payload.get("remove_keyboard")),
        attachment=None if attachment is None else Attachment(
            AttachmentKind(attachment["kind"]), path=attachment.get("path"), media_id=attachment.get("media_id"),
            file_name=attachment.get("file_name")),
        location=(float(location[0]), float(location[1])) if location else None,
    )


def _plain(content: Content) -> str:
    if not isinstance(content, str):
        raise TypeError("render a reply before queueing it")
    return content
