"""One glossary of labels and icons: a button reads the same in every flow, and no icon stands for two tools."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import LOCALE_DIR, Catalogs, catalog_files
from handlers import glossary, registry
from handlers.convention.words import clause_name, short_period
from handlers.reports.categories import category_name
from village.convention.periods import Period, PeriodKind
from village.convention.spec import DEFAULT_CONVENTION
from village.settings import DEFAULT_REPORT_CATEGORIES

ROOT = Path(__file__).resolve().parents[2]

# Buttons that share a tool's icon on purpose: they belong to that tool, or do what its icon says.
SHARED_ICONS = {
    "⚙️ Your settings": "the heading of ⚙️ Settings",
    "⚖️ Appeal": "the household's side of ⚖️ Appeals",
    "👤 Show my name": "👤 is you: your details, your name on a report",
    "📢 Confirm posting": "📢 makes something public: a notice, a board, a meeting",
    "📢 Post on the board": "📢 makes something public",
    "📢 Publish": "📢 makes something public",
    "📢 Publish now": "📢 makes something public",
    "📣 Yes, report a problem": "starts 📣 Report a problem with what was sent from the menu",
    "😊 Satisfied": "😊 🙂 😞 are the faces of a rating, as 😊 is the face of a good score",
    "🏡 A matter of our group": "🏡 is the homestead, the villagers' group",
}


def icon(msgid: str) -> str | None:
    """Return the emoji a label starts with, if it starts with one."""
    head = msgid.split(" ", 1)[0]
    return head if _is_emoji(head) else None


def _is_emoji(word: str) -> bool:
    return bool(word) and all(unicodedata.category(c) in ("So", "Mn", "Cf", "Sk") for c in word)


def words(msgid: str) -> str:
    """Return a label's letters only, lower-cased: what it says without icons, spacing or punctuation."""
    return "".join(c for c in msgid.lower() if unicodedata.category(c)[0] in "LN")


def button_labels() -> dict[str, str]:
    """Return every one-line msgid led or ended by an icon, without placeholders, with its zh_CN text."""
    found: dict[str, str] = {}
    for path in catalog_files(LOCALE_DIR, "zh_CN"):
        with path.open("rb") as handle:
            for message in read_po(handle):
                msgid = str(message.id)
                if message.id and (icon(msgid) or _is_emoji(msgid.rsplit(" ", 1)[-1])) and "{" not in msgid \
                        and "\n" not in msgid \
                        and not re.search(r"[.:!?]$", msgid):
                    found[msgid] = str(message.string)
    return found


def test_every_tool_and_step_button_has_its_own_icon() -> None:
    icons = [icon(label.msgid) for label in (*glossary.TOOLS, *glossary.NAVIGATION)]

    repeated = sorted({i for i in icons if icons.count(i) > 1}, key=str)

    assert None not in icons
    assert repeated == []


def test_every_menu_button_comes_from_the_glossary() -> None:
    menu_labels = [flow.menu.label for flow in registry.flows() if flow.menu is not None]

    strays = [label.msgid for label in menu_labels if label not in glossary.TOOLS]

    assert strays == []


def test_a_glossary_label_is_written_only_in_the_glossary() -> None:
    shared = {label.msgid for label in (*glossary.TOOLS, *glossary.NAVIGATION)}

    elsewhere = sorted(f"{folder}/{filename}: {message}"
                       for folder in ("bot", "handlers")
                       for filename, _line, message, _comments, _context in extract_from_dir(ROOT / folder)
                       if message in shared and f"{folder}/{filename}" != "handlers/glossary.py")

    assert elsewhere == []


def test_no_two_buttons_say_the_same_in_different_words() -> None:
    by_english: dict[str, set[str]] = {}
    by_chinese: dict[str, set[str]] = {}
    for msgid, translated in button_labels().items():
        by_english.setdefault(words(msgid), set()).add(msgid)
        by_chinese.setdefault(words(translated), set()).add(msgid)

    twins = [sorted(found) for found in (*by_english.values(), *by_chinese.values()) if len(found) > 1]

    assert twins == []


def test_no_button_borrows_the_icon_of_another_tool() -> None:
    tools = {icon(label.msgid): label.msgid for label in glossary.TOOLS}

    borrowed = sorted(msgid for msgid in button_labels()
                      if icon(msgid) in tools and msgid != tools[icon(msgid)] and msgid not in SHARED_ICONS)

    assert borrowed == []


def test_default_categories_and_clauses_read_as_stored_in_chinese_and_translated_in_english() -> None:
    catalogs = Catalogs.load()

    zh = [catalogs.text(category_name(name), "zh_CN") for name in DEFAULT_REPORT_CATEGORIES]
    clauses = [catalogs.text(clause_name(c.name), "zh_CN") for c in DEFAULT_CONVENTION.clauses]

    assert zh == list(DEFAULT_REPORT_CATEGORIES)
    assert clauses == [c.name for c in DEFAULT_CONVENTION.clauses]
    assert catalogs.text(category_name("垃圾/环境卫生"), "en") == "Rubbish / sanitation"
    assert catalogs.text(clause_name("垃圾分类"), "en") == "Waste sorting"


def test_a_village_s_own_category_or_clause_is_shown_as_written() -> None:
    catalogs = Catalogs.load()

    assert catalogs.text(category_name("桥梁"), "en") == "桥梁"
    assert catalogs.text(clause_name("门前三包"), "en") == "门前三包"


def test_lists_use_the_reader_s_separator() -> None:
    catalogs = Catalogs.load()
    names = glossary.listing([glossary.MY_REPORTS, "一组", "二组"])

    assert catalogs.text(names, "en") == "📂 My reports, 一组, 二组"
    assert catalogs.text(names, "zh_CN") == "📂 我的反映、一组、二组"
    assert glossary.listing([]) == ""


def test_chart_months_are_words_in_english_and_chinese_months_in_chinese() -> None:
    catalogs = Catalogs.load()

    june = short_period(Period(2026, 6, PeriodKind.MONTHLY))

    assert catalogs.text(june, "en") == "Jun"
    assert catalogs.text(june, "zh_CN") == "6月"
