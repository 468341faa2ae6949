"""WeChat inputs as channel-neutral events: who (the OpenID), what, and which offered choice a reply picks.

A numbered choice comes back as a digit, as the option's label (a `bizmsgmenu` link or `msgmenu` tap sends
the label, its `bizmsgmenuid` has been seen arriving as "0"), as its menu id, or typed: the label without
its emoji, or words found in that one label alone ("道路" for "道路/设施"); each becomes the button press it
stands for. The rule for a bare digit: it picks a choice only while choices are offered. A question
that asks for typed input (a number of seats, say) offers none, its Back and Cancel being keys, not choices,
so there a digit is the answer itself; a digit outside the offered range is typed text too, and so is
any digit where the choices are numbers themselves (seats: 10, 20, 30 ...), "2" being two, not the 20.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from bot.wechat.inputs import (
    DedupKey,
    Followed,
    ImageMessage,
    Input,
    LocationMessage,
    LocationSelected,
    MenuClicked,
    OtherMessage,
    TextMessage,
    VoiceMessage,
)
from bot.wechat.inputs import EventKind as WechatEventKind
from handlers.events import Event, EventKind, Location, Media
from handlers.texts import spoken
from storage.wechat_inbound import Offer
from village.geo import Datum

CHANNEL = "wechat"
MEDIA_PREFIX = "wechat:"  # marks a WeChat media id among file references, for the downloader


def dedup_digest(key: DedupKey) -> str:
    """Return a short stable digest of WeChat's dedup key (the inbound row's key and the update ref)."""
    return hashlib.sha1("\x1f".join(key).encode()).hexdigest()


def menu_id(position: int) -> str:
    """Return the `bizmsgmenuid` of the choice numbered `position`."""
    return str(position)


def event_of(received: Input, offers: Sequence[Offer] = (), *, clicked: str | None = None) -> Event | None:
    """Translate an input into an event; None for what needs no conversation (unfollow, job reports ...).

    `clicked` is what a custom-menu click stands for (`menus.click_text`: the menu label in the person's
    language); a click without one (a key not ours, a tool their menu does not show) asks for the menu.
    """
    kind_fields = _fields(received, offers, clicked)
    if kind_fields is None:
        return None
    kind, fields = kind_fields
    return Event(channel=CHANNEL, external_id=received.open_id, chat_ref=received.open_id, kind=kind,
                 update_ref=dedup_digest(received.dedup_key), can_share_contact=False, **fields)


def _fields(received: Input, offers: Sequence[Offer],
            clicked: str | None) -> tuple[EventKind, dict[str, Any]] | None:
    match received:
        case TextMessage():
            return _text(received, offers)
        case ImageMessage(media_id=media_id):
            return EventKind.PHOTO, {"media": Media(MEDIA_PREFIX + media_id, None, "image/jpeg")}
        case VoiceMessage(media_id=media_id, recognition=recognition):
            # WeChat's transcript is often empty and sometimes wrong: the audio is what counts.
            return EventKind.VOICE, {"media": Media(MEDIA_PREFIX + media_id, None, "audio/amr",
                                                    file_name="voice.amr"), "text": recognition or ""}
        case LocationMessage(latitude=lat, longitude=lon) | LocationSelected(latitude=lat, longitude=lon):
            return EventKind.LOCATION, {"location": Location(lat, lon, Datum.GCJ02)}
        case OtherMessage():
            return EventKind.OTHER, {}
        case Followed(scene=scene):
            # A follow or a scan is /start; a household card's QR code carries its invite code as the scene.
            return EventKind.COMMAND, {"command": "start", "text": scene or ""}
        case MenuClicked(kind=WechatEventKind.CLICK):
            # A click is a tap on the Telegram menu's label; one we cannot use shows the menu, not "not understood".
            return (EventKind.TEXT, {"text": clicked}) if clicked else (EventKind.COMMAND, {"command": "menu"})
    return None


def _text(received: TextMessage, offers: Sequence[Offer]) -> tuple[EventKind, dict[str, Any]]:
    content = received.content.strip()
    chosen = pick(content, received.menu_id, offers)
    if chosen is not None:
        return EventKind.BUTTON, {"payload": chosen.payload, "text": chosen.label}
    if content.startswith("/"):
        head, _, argument = content[1:].partition(" ")
        return EventKind.COMMAND, {"command": head.lower(), "text": argument.strip()}
    return EventKind.TEXT, {"text": content}


def pick(content: str, tapped_id: str | None, offers: Sequence[Offer]) -> Offer | None:
    """Return the offered choice a text picks, by menu id, label or digit (see the module's rule)."""
    if not offers:
        return None
    by_id = {menu_id(o.position): o for o in offers}
    if tapped_id and tapped_id in by_id:
        return by_id[tapped_id]
    by_label = {o.label.strip(): o for o in offers}
    if content in by_label:
        return by_label[content]
    if content.isascii() and content.isdigit() and not any(o.label.strip().isdigit() for o in offers):
        return next((o for o in offers if o.position == int(content)), None)
    return _by_words(content, offers)


def _by_words(content: str, offers: Sequence[Offer]) -> Offer | None:
    """Return the one choice whose label holds the typed words ("道路" picks "9. 道路/设施"): a label typed
    without its emoji, or a part of it; None when no choice or several do, for a single letter, or for digits."""
    typed = spoken(content)
    if len(typed) < 2 or typed.isdigit():
        return None
    same = [o for o in offers if spoken(o.label) == typed]
    holding = same or [o for o in offers if typed in spoken(o.label)]
    return holding[0] if len(holding) == 1 else None
