"""What a person should see, by meaning: text, choices, navigation, the menu, a request, an attachment.

A reply says what a message offers, never how a channel lays it out: each channel
adapter decides how to show it (bot/telegram_layout.py for Telegram; numbered options
and the custom menu for WeChat). The same shape serves direct
replies and queued messages; queued ones are stored rendered (every text a plain
string) through `to_payload` / `from_payload`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from handlers.texts import Content


class InputKind(StrEnum):
    """What the person is asked to send from their phone, beyond text."""

    NONE = "none"
    CONTACT = "contact"
    LOCATION = "location"


class AttachmentKind(StrEnum):
    """How an attachment is shown."""

    PHOTO = "photo"
    DOCUMENT = "document"
    VOICE = "voice"


@dataclass(frozen=True)
class Choice:
    """An option the person can pick; `payload` comes from `handlers.callback_data`."""

    label: Content
    payload: str


@dataclass(frozen=True)
class InputRequest:
    """Ask the person to send their phone contact or location; `label` names the action."""

    label: Content
    kind: InputKind


@dataclass(frozen=True)
class MenuView:
    """The persistent menu to offer: its items (flows, sections, the way back), in order.

    `prompt` introduces the menu where a channel shows it in a message of its own.
    """

    items: tuple[Content, ...]
    prompt: Content = ""


@dataclass(frozen=True)
class Attachment:
    """An image or file: a kept file by our media id, or one we just made (a path on disk or bytes)."""

    kind: AttachmentKind
    path: str | None = None
    data: bytes | None = None
    media_id: int | None = None
    file_name: str | None = None


# Choices in groups: options that belong together (◀ 2/5 ▶, two short answers) share a group.
ChoiceRows = tuple[tuple[Choice, ...], ...]


@dataclass(frozen=True)
class Reply:
    """One message to show.

    `choices` are the options of this message; `navigation` (Back, Cancel) applies to the
    question it asks. `menu`, `request` and `suggestions` (answers one may type, such as
    ⏭ Skip) are what the person keeps at hand for typing; `hide_input` says that what was
    at hand before (the menu, Back and Cancel for typing) no longer applies, and
    `acknowledgement` is a short line (👌 Got it.) a channel may send on its own to say so.
    None of them set leaves what is at hand as it is.

    `edit` is a hint, not an order: the channel may replace the message whose button was pressed
    (or the progress message named with it) instead of sending a new one. A channel that cannot
    edit sends the reply as a new message, unless it is `skippable`: a mere refresh of figures
    already on screen (a broadcast's live progress), which such a channel drops.
    """

    text: Content = ""
    choices: ChoiceRows = ()
    navigation: tuple[Choice, ...] = ()
    menu: MenuView | None = None
    request: InputRequest | None = None
    suggestions: tuple[Content, ...] = ()
    hide_input: bool = False
    acknowledgement: Content = ""
    attachment: Attachment | None = None
    edit: bool = False
    skippable: bool = False
    location: tuple[float, float] | None = None  # latitude, longitude in WGS-84; each channel converts


def offers_input(reply: Reply) -> bool:
    """Return whether `reply` sets what the person keeps at hand for typing (menu, request, typed answers)."""
    return reply.menu is not None or reply.request is not None or bool(reply.suggestions) or (
        bool(reply.navigation) and not reply.choices)


def without_edit(reply: Reply) -> Reply | None:
    """Return what a channel that cannot edit sends for `reply`: a new message, or nothing for a skippable refresh."""
    if not reply.edit:
        return reply
    return None if reply.skippable else replace(reply, edit=False, skippable=False)


def to_payload(reply: Reply) -> dict[str, Any]:
    """Serialise a rendered reply (all text already strings) for the outbox."""
    attachment = reply.attachment
    if attachment is not None and attachment.data is not None:
        raise ValueError("queued messages carry attachments by path or media id, not bytes")
    return {
        "text": _plain(reply.text),
        "buttons": [[[_plain(c.label), c.payload] for c in row] for row in reply.choices],  # the key rows always had
        "navigation": [[_plain(c.label), c.payload] for c in reply.navigation],
        "menu": None if reply.menu is None else [_plain(item) for item in reply.menu.items],
        "menu_prompt": None if reply.menu is None else _plain(reply.menu.prompt),
        "request": None if reply.request is None else [_plain(reply.request.label), reply.request.kind.value],
        "suggestions": [_plain(s) for s in reply.suggestions],
        "hide_input": reply.hide_input,
        "acknowledgement": _plain(reply.acknowledgement),
        "attachment": None if attachment is None else {
            "kind": attachment.kind.value, "path": attachment.path, "media_id": attachment.media_id,
            "file_name": attachment.file_name},
        "location": list(reply.location) if reply.location else None,
        "edit": reply.edit,
        "skippable": reply.skippable,
    }


def from_payload(payload: dict[str, Any]) -> Reply:
    """Rebuild a rendered reply from the outbox (rows queued before the semantic fields included)."""
    attachment = payload.get("attachment")
    location = payload.get("location")
    menu, request = payload.get("menu"), payload.get("request")
    reply = Reply(
        text=payload.get("text", ""),
        choices=_choice_rows(payload.get("buttons", [])),
        navigation=tuple(Choice(label, data) for label, data in payload.get("navigation", [])),
        menu=None if menu is None else MenuView(tuple(menu), payload.get("menu_prompt") or ""),
        request=None if request is None else InputRequest(request[0], InputKind(request[1])),
        suggestions=tuple(payload.get("suggestions", [])),
        hide_input=bool(payload.get("hide_input", payload.get("remove_keyboard"))),
        acknowledgement=payload.get("acknowledgement") or "",
        attachment=None if attachment is None else Attachment(
            AttachmentKind(attachment["kind"]), path=attachment.get("path"), media_id=attachment.get("media_id"),
            file_name=attachment.get("file_name")),
        location=(float(location[0]), float(location[1])) if location else None,
        edit=bool(payload.get("edit")),  # rows queued before the hint existed have neither: a plain message
        skippable=bool(payload.get("skippable")),
    )
    keyboard = payload.get("keyboard")
    return reply if keyboard is None else _with_old_keyboard(reply, keyboard)


def _choice_rows(rows: Sequence[Sequence[Sequence[str]]]) -> ChoiceRows:
    return tuple(tuple(Choice(label, data) for label, data in row) for row in rows)


def _with_old_keyboard(reply: Reply, keyboard: list[list[list[str]]]) -> Reply:
    """Read a keyboard queued before replies said what they mean: a request, or else a menu."""
    keys = [(label, InputKind(kind)) for row in keyboard for label, kind in row]
    asking = next(((label, kind) for label, kind in keys if kind is not InputKind.NONE), None)
    if asking is None:
        return replace(reply, menu=MenuView(tuple(label for label, _ in keys)))
    others = tuple(label for label, kind in keys if kind is InputKind.NONE)
    return replace(reply, request=InputRequest(*asking), suggestions=others)


def _plain(content: Content) -> str:
    if not isinstance(content, str):
        raise TypeError("render a reply before queueing it")
    return content
