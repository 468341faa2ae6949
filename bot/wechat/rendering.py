"""Replies laid out for WeChat: a turn merged into as few messages as possible, choices numbered.

WeChat has no buttons inside the chat. A choice becomes a numbered line, in a passive reply also a
`weixin://bizmsgmenu` link whose tap sends the label back; a reply keyboard (the menu, Back and Cancel)
becomes a list of such links. In a customer-service message the choices go in a `msgmenu`. There is
no editing either: an edit arrives as a new message.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from bot.wechat.events import menu_id
from bot.wechat.texts import MAX_TEXT_BYTES
from handlers.replies import KeyRequest, Reply
from storage.wechat_inbound import Offer

KEY_MENU_PREFIX = "k"  # menu ids of keyboard keys: their tap sends the label, which the engine reads as text


@dataclass(frozen=True)
class Laid:
    """A reply as WeChat shows it: the text (choices and keys included) and the choices it offers."""

    text: str
    offers: tuple[Offer, ...]


def merge(replies: Sequence[Reply]) -> list[Reply]:
    """Merge a turn's consecutive texts into one message; an attachment stays a message of its own."""
    merged: list[Reply] = []
    for reply in replies:
        if merged and _joinable(merged[-1]) and _joinable(reply):
            merged[-1] = _joined(merged[-1], reply)
        else:
            merged.append(reply)
    return merged


def offers_of(reply: Reply) -> tuple[Offer, ...]:
    """Return the reply's choices, numbered from 1 across its rows."""
    buttons = [button for row in reply.buttons for button in row]
    return tuple(Offer(index, str(button.label), button.data) for index, button in enumerate(buttons, start=1))


def lay_out(reply: Reply, *, links: bool) -> Laid:
    """Return the reply's text with its choices as numbered lines and its keys listed (as links if `links`)."""
    offers = offers_of(reply)
    blocks = [str(reply.text)] if str(reply.text) else []
    if offers:
        blocks.append("\n".join(f"{o.position}. {_link(o.label, menu_id(o.position)) if links else o.label}"
                                for o in offers))
    keys = [key for row in reply.keyboard or () for key in row]
    if keys:
        blocks.append("\n".join(_key(str(k.label), k.request, index, links) for index, k in enumerate(keys, 1)))
    return Laid("\n\n".join(blocks), offers)


def fits_passive(text: str) -> bool:
    """Return whether a text fits one passive reply (WeChat's 2,048-byte limit)."""
    return len(text.encode("utf-8")) <= MAX_TEXT_BYTES


def _joinable(reply: Reply) -> bool:
    return reply.attachment is None and reply.location is None


def _joined(first: Reply, second: Reply) -> Reply:
    text = "\n\n".join(t for t in (str(first.text), str(second.text)) if t)
    keyboard = second.keyboard if second.keyboard is not None else first.keyboard
    return Reply(text, buttons=(*first.buttons, *second.buttons), keyboard=keyboard)


def _key(label: str, request: KeyRequest, index: int, links: bool) -> str:
    if request is not KeyRequest.NONE or not links:
        return f"▪ {label}"  # a location or contact key: WeChat sends those from the chat's ＋ panel
    return f"▪ {_link(label, f'{KEY_MENU_PREFIX}{index}')}"


def _link(label: str, ident: str) -> str:
    content = html.escape(label, quote=True)
    return f'<a href="weixin://bizmsgmenu?msgmenucontent={content}&msgmenuid={ident}">{content}</a>'
