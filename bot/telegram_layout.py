"""How a reply looks on Telegram: inline buttons under the message, or the reply keyboard.

A reply says what it offers (handlers/replies.py); Telegram's rules live here. A message
carries one markup: its choices as inline buttons (with Back and Cancel as a last row),
else the reply keyboard (the menu, two big buttons to a row; or a request button, typed
answers and Back and Cancel), else the removal of the keyboard shown before. So a reply
that offers choices and the menu, or that withdraws the keyboard while showing choices,
becomes several messages (`messages`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from handlers.replies import Choice, InputKind, Reply

MENU_PER_ROW = 2


@dataclass(frozen=True)
class InlineKey:
    """A button under a message; pressing it sends `data` back."""

    label: str
    data: str


@dataclass(frozen=True)
class Key:
    """A big button on the reply keyboard; pressing it sends its label (or a contact or location)."""

    label: str
    request: InputKind = InputKind.NONE


InlineRows = tuple[tuple[InlineKey, ...], ...]
KeyRows = tuple[tuple[Key, ...], ...]


def messages(reply: Reply) -> list[Reply]:
    """Split a rendered reply into the Telegram messages that show it, each with one markup.

    The removal of the reply keyboard cannot ride on a message with inline buttons (nor on an edit):
    the reply's acknowledgement goes first and takes it away. The menu cannot either: it follows
    in a message of its own, under its prompt.
    """
    shown = []
    if reply.hide_input and reply.acknowledgement:
        shown.append(Reply(reply.acknowledgement, hide_input=True))
        reply = replace(reply, hide_input=False, acknowledgement="")
    if reply.menu is not None and (reply.choices or reply.edit):
        return [*shown, replace(reply, menu=None), Reply(reply.menu.prompt, menu=reply.menu)]
    return [*shown, reply]


def inline_rows(reply: Reply) -> InlineRows:
    """Return the inline buttons of a rendered reply: its choices, then Back and Cancel."""
    if not reply.choices:
        return ()
    rows = [tuple(_inline(c) for c in row) for row in reply.choices]
    if reply.navigation:
        rows.append(tuple(_inline(c) for c in reply.navigation))
    return tuple(rows)


def keyboard_rows(reply: Reply) -> KeyRows | None:
    """Return the reply keyboard a rendered reply sets, or None when it leaves the keyboard as it is."""
    if reply.menu is not None:
        keys = [Key(str(item)) for item in reply.menu.items]
        return tuple(tuple(keys[i:i + MENU_PER_ROW]) for i in range(0, len(keys), MENU_PER_ROW))
    rows: list[tuple[Key, ...]] = []
    if reply.request is not None:
        rows.append((Key(str(reply.request.label), reply.request.kind),))
    rows += [(Key(str(s)),) for s in reply.suggestions]
    if reply.navigation and not reply.choices:
        rows.append(tuple(Key(str(c.label)) for c in reply.navigation))
    return tuple(rows) if rows else None


def removes_keyboard(reply: Reply) -> bool:
    """Return whether the reply takes the reply keyboard away."""
    return reply.hide_input and not reply.choices and keyboard_rows(reply) is None


def _inline(choice: Choice) -> InlineKey:
    return InlineKey(str(choice.label), choice.payload)


def labels(rows: Sequence[Sequence[InlineKey | Key]]) -> list[str]:
    """Return the labels of some rows of buttons, in order."""
    return [key.label for row in rows for key in row]
