"""Buttons every conversation shares: Back, Cancel, Menu, and paging."""

from __future__ import annotations

from collections.abc import Sequence

from handlers import glossary
from handlers.callback_data import pack
from handlers.replies import Button, KeyButton, KeyRequest, KeyRows, Rows
from handlers.texts import Content

NAV = "nav"
BACK, CANCEL, MENU = "back", "cancel", "menu"

BACK_LABEL, CANCEL_LABEL, MENU_LABEL = glossary.BACK, glossary.CANCEL, glossary.MENU

# Typed words that mean the same as the navigation buttons, in every language.
NAV_WORDS = {
    BACK: {"返回", "上一步", "back"},
    CANCEL: {"取消", "cancel", "/cancel"},
    MENU: {"菜单", "主菜单", "menu", "/menu"},
}


def nav_row() -> tuple[Button, ...]:
    """Return the inline Back and Cancel buttons."""
    return (Button(BACK_LABEL, pack(NAV, BACK)), Button(CANCEL_LABEL, pack(NAV, CANCEL)))


def nav_keyboard() -> KeyRows:
    """Return a reply keyboard holding only Back and Cancel, for states that expect typing."""
    return ((KeyButton(BACK_LABEL), KeyButton(CANCEL_LABEL)),)


def request_keyboard(label: Content, request: KeyRequest) -> KeyRows:
    """Return a reply keyboard with one big request button (contact or location) above Back and Cancel."""
    return ((KeyButton(label, request),), *nav_keyboard())


def choice_rows(choices: Sequence[tuple[Content, str]], per_row: int = 1) -> Rows:
    """Lay out (label, data) choices as inline buttons, `per_row` to a row."""
    buttons = [Button(label, data) for label, data in choices]
    return tuple(tuple(buttons[i:i + per_row]) for i in range(0, len(buttons), per_row))


def pager_row(flow: str, action: str, page: int, pages: int, *args: str | int) -> tuple[Button, ...]:
    """Return ◀ n/m ▶ buttons that call `flow:action:<page>:args`; empty when one page."""
    if pages <= 1:
        return ()
    row = []
    if page > 0:
        row.append(Button("◀", pack(flow, action, page - 1, *args)))
    row.append(Button(f"{page + 1}/{pages}", pack(flow, action, page, *args)))
    if page < pages - 1:
        row.append(Button("▶", pack(flow, action, page + 1, *args)))
    return tuple(row)


def paged_rows(choices: Sequence[tuple[Content, str]], flow: str, page: int, *, per_page: int = 8,
               per_row: int = 1) -> Rows:
    """Lay out one page of choices, with ◀ n/m ▶ buttons (data `flow:page:<n>`) when there are more."""
    pages = max(1, -(-len(choices) // per_page))
    page = min(max(page, 0), pages - 1)
    rows = choice_rows(choices[page * per_page:(page + 1) * per_page], per_row)
    pager = pager_row(flow, "page", page, pages)
    return (*rows, pager) if pager else rows
