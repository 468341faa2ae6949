"""The account's custom menus: one for residents, one for staff (a conditional menu by tag).

WeChat's menu is the persistent keyboard of the chat: at most 3 top-level items of at most 5 sub-items,
labels of at most 4 (top) and 7 (sub) Chinese characters. Every item is a `click` whose key names a
glossary label; a click is handled as a tap on that label of the Telegram menu (`label_for_key`), so
both channels start the same flow, or show the same section (➕ More, 🧰 Work tools) as a list.

Labels drop the glossary's leading icon: seven characters leave no room for it, and the menu bar is
always on screen, so the icon is not needed to find a tool there.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from bot.i18n import Catalogs
from bot.wechat.client import MenuButton
from handlers import glossary
from handlers.menu import SECTION_LABELS, Menu
from handlers.texts import Text, _
from village.people import Person

MAX_TOP, MAX_SUB = 3, 5
TOP_WIDTH, SUB_WIDTH = 8, 14  # display columns: a Chinese character takes two (4 and 7 characters)
TOP_BYTES, SUB_BYTES, KEY_BYTES = 16, 60, 128  # what menu/create accepts (40018, 40079, 40019)
KEY_PREFIX = "hemei:"

AFFAIRS = _("Village affairs")
CONSULTATION = _("Consultation")
MINE = _("Mine")

# Each click's key, by the glossary label it stands for: short, stable names, so a renamed label
# does not change the keys of a menu already on people's phones.
KEYS: dict[str, Text] = {
    "report": glossary.REPORT_PROBLEM, "my_reports": glossary.MY_REPORTS, "score": glossary.MY_SCORE,
    "meetings": glossary.MEETINGS, "notices": glossary.NOTICES, "board": glossary.GROUP_BOARD,
    "open": glossary.OPEN_PROBLEMS, "topics": glossary.TOPICS, "matters": glossary.MATTERS,
    "me": glossary.MY_DETAILS, "settings": glossary.SETTINGS, "language": glossary.LANGUAGE, "help": glossary.HELP,
    "more": glossary.MORE, "tools": glossary.WORK_TOOLS,
}
_KEY_OF = {label.msgid: name for name, label in KEYS.items()}


@dataclass(frozen=True)
class Group:
    """A top-level item: a click of its own (no `items`), or a parent of up to 5 clicks."""

    label: Text
    items: tuple[Text, ...] = ()


_AFFAIRS = Group(AFFAIRS, (glossary.REPORT_PROBLEM, glossary.MY_REPORTS, glossary.NOTICES, glossary.OPEN_PROBLEMS,
                           glossary.GROUP_BOARD))
RESIDENTS: tuple[Group, ...] = (
    _AFFAIRS,
    Group(CONSULTATION, (glossary.MEETINGS, glossary.TOPICS, glossary.MATTERS)),
    Group(MINE, (glossary.MY_SCORE, glossary.MY_DETAILS, glossary.SETTINGS, glossary.LANGUAGE, glossary.HELP)),
)
# Staff have more tools than 15 items hold: 🧰 Work tools lists each person's own (as the Telegram
# section does), and ➕ More holds what their menu has no room for.
STAFF: tuple[Group, ...] = (
    _AFFAIRS,
    Group(CONSULTATION, (glossary.MEETINGS, glossary.TOPICS, glossary.MATTERS, glossary.MY_SCORE, glossary.MORE)),
    Group(glossary.WORK_TOOLS),
)


class MenuLabelError(ValueError):
    """A label does not fit WeChat's menu (too wide or too many bytes)."""


def key_of(label: Text) -> str:
    """Return the click key of a glossary label."""
    return KEY_PREFIX + _KEY_OF[label.msgid]


def label_for_key(key: str) -> Text | None:
    """Return the glossary label a menu click stands for; None for a key that is not ours."""
    name = key.removeprefix(KEY_PREFIX) if key.startswith(KEY_PREFIX) else None
    return KEYS.get(name) if name is not None else None


def click_text(key: str, person: Person | None, menu: Menu, catalogs: Catalogs, locale: str) -> str | None:
    """Return what a click on `key` stands for as typed text: the menu label in the person's language.

    The engine takes a menu label typed or tapped as the start of its flow (or its section's list), so a
    WeChat click handed over as this text does exactly what the Telegram button does. None when the key is
    not ours, or names a tool the person's Telegram menu does not show them (a score without a household):
    the conversation layer then shows them their menu instead of a puzzled "not understood".
    """
    label = label_for_key(key)
    if label is None:
        return None
    sections = {s.msgid for s in SECTION_LABELS.values()}
    theirs = {f.menu.label.msgid for f in menu.flows_for(person) if f.menu}
    return catalogs.text(label, locale) if label.msgid in sections | theirs else None


def width(label: str) -> int:
    """Return the columns a label takes: two for a Chinese character or an emoji, none for joiners."""
    total = 0
    for char in label:
        if unicodedata.category(char) in ("Mn", "Me", "Cf") or 0xFE00 <= ord(char) <= 0xFE0F:
            continue
        total += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return total


def plain(label: str) -> str:
    """Return a label without the leading icon (an emoji and its space) the chat's buttons carry."""
    head, _space, rest = label.partition(" ")
    return rest if rest and head and not any(c.isalnum() for c in head) else label


def fitted(label: str, *, top: bool) -> str:
    """Return the label as the menu shows it, or raise MenuLabelError when it does not fit."""
    shown = plain(label)
    max_width, max_bytes = (TOP_WIDTH, TOP_BYTES) if top else (SUB_WIDTH, SUB_BYTES)
    if not shown or width(shown) > max_width or len(shown.encode()) > max_bytes:
        kind = "top-level" if top else "sub-menu"
        raise MenuLabelError(f"{kind} label {shown!r} does not fit ({max_width // 2} Chinese characters)")
    return shown


def build(groups: tuple[Group, ...], catalogs: Catalogs, locale: str) -> tuple[MenuButton, ...]:
    """Return the menu's buttons, labels rendered in `locale` and checked against WeChat's limits."""
    if not 1 <= len(groups) <= MAX_TOP or any(len(g.items) > MAX_SUB for g in groups):
        raise MenuLabelError(f"a menu has 1 to {MAX_TOP} items of at most {MAX_SUB}")
    return tuple(_button(group, catalogs, locale) for group in groups)


def _button(group: Group, catalogs: Catalogs, locale: str) -> MenuButton:
    label = fitted(catalogs.text(group.label, locale), top=True)
    if not group.items:
        return MenuButton(label, key=key_of(group.label))
    children = tuple(MenuButton(fitted(catalogs.text(item, locale), top=False), key=key_of(item))
                     for item in group.items)
    return MenuButton(label, children=children)
