"""Choices every conversation shares: Back, Cancel, Menu, and paging."""

from __future__ import annotations

from collections.abc import Sequence

from handlers import glossary
from handlers.callback_data import pack
from handlers.replies import Choice, ChoiceRows
from handlers.texts import Content

NAV = "nav"
BACK, CANCEL, MENU = "back", "cancel", "menu"

BACK_LABEL, CANCEL_LABEL, MENU_LABEL = glossary.BACK, glossary.CANCEL, glossary.MENU

# Typed words that mean the same as the navigation choices, in every language.
NAV_WORDS = {
    BACK: {"返回", "上一步", "back"},
    CANCEL: {"取消", "cancel", "/cancel"},
    MENU: {"菜单", "主菜单", "menu", "/menu"},
}


def navigation() -> tuple[Choice, ...]:
    """Return Back and Cancel, as a question offers them."""
    return (Choice(BACK_LABEL, pack(NAV, BACK)), Choice(CANCEL_LABEL, pack(NAV, CANCEL)))


def choice_rows(choices: Sequence[tuple[Content, str]], per_row: int = 1) -> ChoiceRows:
    """Group (label, payload) choices, `per_row` to a group."""
    items = [Choice(label, payload) for label, payload in choices]
    return tuple(tuple(items[i:i + per_row]) for i in range(0, len(items), per_row))


def pager_row(flow: str, action: str, page: int, pages: int, *args: str | int) -> tuple[Choice, ...]:
    """Return ◀ n/m ▶ choices that call `flow:action:<page>:args`; empty when one page."""
    if pages <= 1:
        return ()
    row = []
    if page > 0:
        row.append(Choice("◀", pack(flow, action, page - 1, *args)))
    row.append(Choice(f"{page + 1}/{pages}", pack(flow, action, page, *args)))
    if page < pages - 1:
        row.append(Choice("▶", pack(flow, action, page + 1, *args)))
    return tuple(row)


def paged_rows(choices: Sequence[tuple[Content, str]], flow: str, page: int, *, per_page: int = 8,
               per_row: int = 1) -> ChoiceRows:
    """Return one page of choices, with ◀ n/m ▶ (payload `flow:page:<n>`) when there are more."""
    pages = max(1, -(-len(choices) // per_page))
    page = min(max(page, 0), pages - 1)
    rows = choice_rows(choices[page * per_page:(page + 1) * per_page], per_row)
    pager = pager_row(flow, "page", page, pages)
    return (*rows, pager) if pager else rows
