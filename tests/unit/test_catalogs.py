"""Every user-visible string has a zh_CN translation with the same placeholders; every error has a message."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import LOCALE_DIR, Catalogs, catalog_files, placeholders
from handlers.errors import MESSAGES
from handlers.texts import _
from village.errors import ErrorCode

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("bot", "handlers")


def source_msgids() -> set[str]:
    found = set()
    for folder in SOURCES:
        for _filename, _lineno, message, _comments, _context in extract_from_dir(ROOT / folder):
            found.add(message if isinstance(message, str) else message[0])
    return found


@cache  # read once: one test per msgid (over a thousand) looks its entry up here
def zh_entries() -> dict[str, tuple[str, bool]]:
    entries: dict[str, tuple[str, bool]] = {}
    for path in catalog_files(LOCALE_DIR, "zh_CN"):
        with path.open("rb") as handle:
            for message in read_po(handle):
                if message.id and isinstance(message.id, str):
                    entries.setdefault(message.id, (str(message.string or ""), message.fuzzy))
    return entries


def test_every_source_string_has_a_complete_zh_cn_translation() -> None:
    entries, msgids = zh_entries(), source_msgids()

    missing = [m for m in msgids if not entries.get(m, ("", False))[0]]
    fuzzy = [m for m in msgids if entries.get(m, ("", False))[1]]

    assert missing == [], f"untranslated in zh_CN: {missing}"
    assert fuzzy == [], f"fuzzy in zh_CN: {fuzzy}"


@pytest.mark.parametrize("msgid", sorted(source_msgids()))
def test_translation_keeps_the_placeholders(msgid: str) -> None:
    translated, _fuzzy = zh_entries().get(msgid, ("", False))

    assert placeholders(translated) == placeholders(msgid)


def test_every_error_code_has_a_message() -> None:
    assert set(MESSAGES) == set(ErrorCode)


def test_rendering_falls_back_to_english_for_en() -> None:
    catalogs = Catalogs.load()

    assert catalogs.text(_("⬅️ Back"), "en") == "⬅️ Back"
    assert catalogs.text(_("⬅️ Back"), "zh_CN") == "⬅️ 返回"


def test_a_msgid_in_several_catalogs_has_one_translation() -> None:
    seen: dict[str, dict[str, str]] = {}
    for path in catalog_files(LOCALE_DIR, "zh_CN"):
        with path.open("rb") as handle:
            for message in read_po(handle):
                if message.id and message.string:
                    seen.setdefault(str(message.id), {})[path.name] = str(message.string)

    conflicts = {msgid: found for msgid, found in seen.items() if len(set(found.values())) > 1}

    assert conflicts == {}


def test_catalogs_hold_no_entries_the_code_no_longer_uses() -> None:
    used = source_msgids()

    stale = sorted(msgid for msgid in zh_entries() if msgid not in used)

    assert stale == []
