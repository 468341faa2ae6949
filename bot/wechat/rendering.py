"""Replies laid out for WeChat: a turn merged into as few messages as possible, choices numbered.

WeChat has no buttons inside the chat. A choice becomes a numbered line, in a passive reply also a
`weixin://bizmsgmenu` link whose tap sends the label back; a reply keyboard (the menu, Back and Cancel)
becomes a list of such links. In a customer-service message the choices go in a `msgmenu`. There is
no editing either: an edit arrives as a new message, and a mere refresh (live progress) is dropped.
The acknowledgement a reply may carry (👌, to take Telegram's keyboard away) means nothing here.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.wechat.events import menu_id
from bot.wechat.texts import MAX_TEXT_BYTES
from handlers.replies import Choice, InputKind, Reply, without_edit
from storage.wechat_inbound import Offer

KEY_MENU_PREFIX = "k"  # menu ids of keyboard keys: their tap sends the label, which the engine reads as text


@dataclass(frozen=True)
class Laid:
    """A reply as WeChat shows it: the text (choices and keys included) and the choices it offers."""

    text: str
    offers: tuple[Offer, ...]


def merge(replies: Sequence[Reply]) -> list[Reply]:
    """Merge a turn's consecutive texts into one message; an attachment stays a message of its own.

    Edits become new messages and skippable refreshes go; a reply left with nothing to show goes too.
    """
    merged: list[Reply] = []
    for reply in (shown for r in replies if (shown := without_edit(r)) is not None and _shows_something(shown)):
        if merged and _joinable(merged[-1]) and _joinable(reply):
            merged[-1] = _joined(merged[-1], reply)
        else:
            merged.append(reply)
    return merged


def offers_of(reply: Reply) -> tuple[Offer, ...]:
    """Return the reply's choices (then Back and Cancel beside them), numbered from 1 across its rows."""
    return tuple(Offer(index, str(choice.label), choice.payload)
                 for index, choice in enumerate(_choices(reply), start=1))


def lay_out(reply: Reply, *, links: bool) -> Laid:
    """Return the reply's text with its choices as numbered lines and its keys listed (as links if `links`)."""
    offers = offers_of(reply)
    blocks = [str(reply.text)] if str(reply.text) else []
    if offers:
        blocks.append("\n".join(f"{o.position}. {_link(o.label, menu_id(o.position)) if links else o.label}"
                                for o in offers))
    keys = keys_text(reply, links=links)
    if keys:
        blocks.append(keys)
    return Laid("\n\n".join(blocks), offers)


def keys_text(reply: Reply, *, links: bool) -> str:
    """Return what the person may type or tap besides the choices (menu, typed answers), one per line."""
    return "\n".join(_key(label, kind, index, links) for index, (label, kind) in enumerate(_keys(reply), 1))


def fits_passive(text: str) -> bool:
    """Return whether a text fits one passive reply (WeChat's 2,048-byte limit)."""
    return len(text.encode("utf-8")) <= MAX_TEXT_BYTES


def _choices(reply: Reply) -> list[Choice]:
    """Picked by number: the choices, with Back and Cancel only beside choices (a typed question keeps digits)."""
    if not reply.choices:
        return []
    return [choice for row in reply.choices for choice in row] + list(reply.navigation)


def _keys(reply: Reply) -> list[tuple[str, InputKind]]:
    """Sent back as text: the menu's items, or the request, the typed answers and Back/Cancel of a typed question."""
    if reply.menu is not None:
        return [(str(item), InputKind.NONE) for item in reply.menu.items]
    keys = [(str(reply.request.label), reply.request.kind)] if reply.request is not None else []
    keys += [(str(s), InputKind.NONE) for s in reply.suggestions]
    if reply.navigation and not reply.choices:
        keys += [(str(c.label), InputKind.NONE) for c in reply.navigation]
    return keys


def _shows_something(reply: Reply) -> bool:
    return bool(str(reply.text) or reply.choices or _keys(reply) or reply.attachment or reply.location)


def _joinable(reply: Reply) -> bool:
    return reply.attachment is None and reply.location is None


def _joined(first: Reply, second: Reply) -> Reply:
    text = "\n\n".join(t for t in (str(first.text), str(second.text)) if t)
    return replace(second, text=text, choices=(*first.choices, *second.choices),
                   navigation=second.navigation or first.navigation, menu=second.menu or first.menu,
                   request=second.request or first.request, suggestions=second.suggestions or first.suggestions)


def _key(label: str, kind: InputKind, index: int, links: bool) -> str:
    if kind is not InputKind.NONE or not links:
        return f"▪ {label}"  # a location or contact key: WeChat sends those from the chat's ＋ panel
    return f"▪ {_link(label, f'{KEY_MENU_PREFIX}{index}')}"


def _link(label: str, ident: str) -> str:
    content = html.escape(label, quote=True)
    return f'<a href="weixin://bizmsgmenu?msgmenucontent={content}&msgmenuid={ident}">{content}</a>'
