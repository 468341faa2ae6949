"""Translatable text: `_()` marks an English msgid and returns it unrendered.

Rendering happens later, in the reader's language (bot/i18n.py): a reply is
rendered for the person who wrote; a queued message for its recipient.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any, Union

Param = Union[str, int, float, "Text"]


@dataclass(frozen=True)
class Text:
    """An English msgid and named parameters, rendered in the reader's language."""

    msgid: str
    params: tuple[tuple[str, Param], ...] = ()

    def kwargs(self) -> dict[str, Any]:
        """Return the parameters as a dict."""
        return dict(self.params)


# What a reply may say: a translatable text, a literal (user-written or a code), or several lines.
Content = Text | str | tuple["Content", ...]


def _(msgid: str, /, **params: Param) -> Text:
    """Mark `msgid` for translation, with named `{placeholders}` filled from `params`."""
    return Text(msgid, tuple(params.items()))


def lines(*parts: Content | None) -> Content:
    """Join parts on separate lines, skipping empty ones."""
    return tuple(p for p in parts if p)


def spoken(text: str) -> str:
    """Return the words of a label or of what was typed: letters and digits only, lower-cased (no emoji, spaces
    or punctuation), so that "我的积分" and "😊 我的积分" are the same entry."""
    return "".join(c for c in text if unicodedata.category(c)[0] in "LN").lower()
