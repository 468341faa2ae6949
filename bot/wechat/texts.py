"""Long texts cut into messages WeChat accepts: at most 2,048 UTF-8 bytes each, at line breaks where possible."""

from __future__ import annotations

MAX_TEXT_BYTES = 2048


def split_text(text: str, *, limit: int = MAX_TEXT_BYTES) -> list[str]:
    """Return the text in parts of at most `limit` UTF-8 bytes, never cutting a character in two."""
    parts: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        if _size(current + line) <= limit:
            current += line
            continue
        if current:
            parts.append(current)
        pieces = _cut(line, limit)
        parts += pieces[:-1]
        current = pieces[-1]
    if current or not parts:
        parts.append(current)
    return [part.rstrip("\n") or part for part in parts]


def _cut(line: str, limit: int) -> list[str]:
    """Cut one over-long line at character boundaries."""
    pieces, piece = [], ""
    for char in line:
        if _size(piece + char) > limit:
            pieces.append(piece)
            piece = ""
        piece += char
    return [*pieces, piece]


def _size(text: str) -> int:
    return len(text.encode("utf-8"))
