"""The conversations and the domain speak of meaning, never of one channel's layout or limits.

A grep over handlers/ and village/ (code, comments and docstrings alike) for words that only
make sense on Telegram: its file ids, its two kinds of keyboard, its callback queries and its
64-byte button data. Such knowledge belongs in bot/telegram.py and bot/telegram_layout.py.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("handlers", "village")
TELEGRAM_ONLY = re.compile(
    r"file_id|reply[ _-]?keyboard|inline[ _-]?(keyboard|button)|callback[ _]query|64[ -]?bytes?\b|remove_keyboard"
    r"|request_(contact|location)|KeyButton|InlineKeyboard|ReplyKeyboard", re.IGNORECASE)
# Known places, each with the only words it may still use and why.
ALLOWED = {
    # reads outbox rows queued before replies said what they mean (the old payload key)
    "handlers/replies.py": {"remove_keyboard"},
}


def mentions(path: Path) -> set[str]:
    return {m.group(0).lower() for m in TELEGRAM_ONLY.finditer(path.read_text(encoding="utf-8"))}


def test_handlers_and_village_mention_no_telegram_only_concept() -> None:
    offenders = {}
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            name = str(path.relative_to(ROOT))
            found = mentions(path) - ALLOWED.get(name, set())
            if found:
                offenders[name] = sorted(found)

    assert offenders == {}


def test_the_check_recognises_telegram_words() -> None:
    text = "reply_markup=InlineKeyboardMarkup(...); photo[-1].file_id; callback data within 64 bytes"

    assert {m.group(0) for m in TELEGRAM_ONLY.finditer(text)} == {"InlineKeyboard", "file_id", "64 bytes"}
