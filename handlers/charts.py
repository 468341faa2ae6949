"""Bar charts for chat: a PNG drawn with Pillow when a CJK font exists, else bars made of text."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH = 900
MARGIN = 30
LABEL_WIDTH = 280
VALUE_WIDTH = 110
ROW = 44
BAR_HEIGHT = 26
COLOURS = ("#c0392b", "#2e86c1", "#28b463", "#d68910", "#7d3c98", "#17a589")
TEXT_BAR_WIDTH = 10


@dataclass(frozen=True)
class Panel:
    """One titled group of bars, e.g. notices by kind."""

    title: str
    bars: tuple[tuple[str, int], ...]


def bar_chart(title: str, panels: Sequence[Panel], font_path: Path) -> bytes:
    """Draw the panels one under another as horizontal bars and return the PNG."""
    height = MARGIN * 2 + 60 + sum(60 + ROW * max(len(p.bars), 1) for p in panels)
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((MARGIN, MARGIN), title, fill="black", font=_font(font_path, 34))
    y = MARGIN + 60
    for panel in panels:
        y = _panel(draw, panel, y, font_path)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _panel(draw: ImageDraw.ImageDraw, panel: Panel, top: int, font_path: Path) -> int:
    """Draw one panel from `top`; return where the next one starts."""
    draw.text((MARGIN, top + 10), panel.title, fill="#333333", font=_font(font_path, 26))
    y = top + 60
    longest = max((value for _label, value in panel.bars), default=0) or 1
    span = WIDTH - 2 * MARGIN - LABEL_WIDTH - VALUE_WIDTH
    small = _font(font_path, 22)
    for index, (label, value) in enumerate(panel.bars):
        draw.text((MARGIN, y + 2), label, fill="black", font=small)
        left = MARGIN + LABEL_WIDTH
        right = left + max(int(span * value / longest), 2 if value else 0)
        if right > left:
            draw.rectangle((left, y, right, y + BAR_HEIGHT), fill=COLOURS[index % len(COLOURS)])
        draw.text((right + 10, y + 2), f"{value:,}", fill="black", font=small)
        y += ROW
    return y + (0 if panel.bars else ROW)


def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def text_bar(value: int, longest: int, width: int = TEXT_BAR_WIDTH) -> str:
    """Return a bar of text (▇▇▇▇) for `value`, scaled so that `longest` fills `width`: a chart without an image."""
    if value <= 0:
        return "▏"
    return "▇" * max(round(width * value / max(longest, 1)), 1)
