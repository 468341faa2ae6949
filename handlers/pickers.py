"""Picking a person or a household: one button per item, the tap that picks one, and a search by typed name.

The care list, a visit's "whom" and a cadre's household for the family link all pick the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from handlers.callback_data import pack, unpack
from handlers.context import Context
from handlers.conversations import Turn, reask, stay
from handlers.events import EventKind
from handlers.keyboards import choice_rows
from handlers.replies import ChoiceRows, Reply
from handlers.texts import Content, Text, _

Item = TypeVar("Item")


@dataclass(frozen=True)
class SearchTexts:
    """What a search says: asking for typed text, no match for {query}, and the prompt above the matches."""

    type_it: Text
    no_match: Text
    tap: Text


def pick_rows(flow: str, action: str, items: Iterable[tuple[Content, int]], *, per_row: int = 1) -> ChoiceRows:
    """Return one button per (label, id), each calling `flow:action:<id>`."""
    return choice_rows([(label, pack(flow, action, item_id)) for label, item_id in items], per_row=per_row)


def picked(ctx: Context, action: str) -> int | None:
    """Return the id on a tapped `action` button; None for any other input (a forged id is refused)."""
    pressed = unpack(ctx.event.payload) if ctx.event.kind is EventKind.BUTTON else None
    return pressed.int_arg() if pressed is not None and pressed.action == action else None


async def search(ctx: Context, find: Callable[[str], Awaitable[Sequence[Item]]],
                 shown: Callable[[Item], tuple[Content, int]], *, flow: str, action: str, texts: SearchTexts) -> Turn:
    """Search by the typed text and offer the matches as buttons; re-ask on other input or no match."""
    if ctx.event.kind is not EventKind.TEXT:
        return reask(Reply(texts.type_it))
    found = await find(ctx.event.text)
    if not found:
        return reask(Reply(_(texts.no_match.msgid, query=ctx.event.text.strip())))
    return stay(Reply(texts.tap, choices=pick_rows(flow, action, map(shown, found))))
