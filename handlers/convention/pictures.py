"""Pictures drawn with Pillow: the public board (公示牌) and the 12-period chart.

Drawing lives here, beside the conversations, because it needs only Pillow and a
font file: no channel, no SQL. The font (one that draws Chinese) is found once by
the application and handed over in the context; without one, the caller uses the
text fallback instead of calling these.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from village.convention.rules import Face

FACE_COLOURS = {Face.SMILE: "#2e9d4a", Face.FLAT: "#e0a100", Face.CRY: "#d23b3b"}
GREY = "#b8b8b8"
INK = "#222222"
PAPER = "#fffdf5"
RED = "#b22222"
ROWS_PER_COLUMN = 25


@dataclass(frozen=True)
class BoardPicture:
    """What the board shows, every text already in the reader's language (no emoji: fonts lack them)."""

    title: str
    subtitle: str
    rows: Sequence[tuple[str, Face | None]]
    legend: Sequence[tuple[Face | None, str]]


@dataclass(frozen=True)
class ChartPicture:
    """A household's totals over recent periods; None where nothing was published."""

    title: str
    points: Sequence[tuple[str, int | None, Face | None]]
    full_marks: int


@lru_cache(maxsize=16)
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def draw_face(draw: ImageDraw.ImageDraw, centre: tuple[int, int], radius: int, face: Face | None) -> None:
    """Draw a face (a coloured circle with eyes and a mouth), or a grey ring when not published."""
    x, y = centre
    box = (x - radius, y - radius, x + radius, y + radius)
    if face is None:
        draw.ellipse(box, outline=GREY, width=max(2, radius // 6))
        return
    draw.ellipse(box, fill=FACE_COLOURS[face])
    eye = max(2, radius // 6)
    for dx in (-radius // 3, radius // 3):
        draw.ellipse((x + dx - eye, y - radius // 3 - eye, x + dx + eye, y - radius // 3 + eye), fill="white")
    width = max(2, radius // 7)
    mouth = (x - radius // 2, y - radius // 6, x + radius // 2, y + radius // 2)
    if face is Face.SMILE:
        draw.arc(mouth, 20, 160, fill="white", width=width)
    elif face is Face.CRY:
        draw.arc((mouth[0], y + radius // 4, mouth[2], y + radius), 200, 340, fill="white", width=width)
    else:
        draw.line((x - radius // 2, y + radius // 3, x + radius // 2, y + radius // 3), fill="white", width=width)


def draw_board(picture: BoardPicture, font_path: Path) -> bytes:
    """Return the board as PNG bytes: a title, one row per household with its face, a legend."""
    columns = max(1, -(-len(picture.rows) // ROWS_PER_COLUMN))
    per_column = -(-len(picture.rows) // columns) if picture.rows else 0
    row_height, column_width, top = 44, 300, 150
    title_font, subtitle_font = _font(font_path, 34), _font(font_path, 22)
    width = max(640, 40 + columns * column_width, 60 + int(title_font.getlength(picture.title)),
                60 + int(subtitle_font.getlength(picture.subtitle)))
    height = top + per_column * row_height + 90
    image = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((6, 6, width - 7, height - 7), outline=RED, width=4)
    draw.text((30, 24), picture.title, fill=RED, font=title_font)
    draw.text((30, 78), picture.subtitle, fill=INK, font=subtitle_font)
    draw.line((30, 124, width - 30, 124), fill=RED, width=2)
    label_font = _font(font_path, 24)
    for index, (label, face) in enumerate(picture.rows):
        column, row = divmod(index, per_column)
        x, y = 30 + column * column_width, top + row * row_height
        draw.text((x, y + 6), label, fill=INK, font=label_font)
        draw_face(draw, (x + 230, y + 20), 16, face)
    _legend(draw, picture.legend, (30, height - 60), font_path)
    return _png(image)


def _legend(draw: ImageDraw.ImageDraw, legend: Sequence[tuple[Face | None, str]], origin: tuple[int, int],
            font_path: Path) -> None:
    x, y = origin
    font = _font(font_path, 22)
    for face, text in legend:
        draw_face(draw, (x + 14, y + 14), 14, face)
        draw.text((x + 36, y + 1), text, fill=INK, font=font)
        x += 44 + int(draw.textlength(text, font=font)) + 24


def draw_chart(chart: ChartPicture, font_path: Path) -> bytes:
    """Return a bar chart of the totals as PNG bytes, each bar coloured by its face."""
    width, height, left, bottom, top = 720, 360, 60, 300, 70
    image = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(image)
    draw.text((20, 16), chart.title, fill=INK, font=_font(font_path, 26))
    small = _font(font_path, 16)
    full = max(chart.full_marks, 1)
    draw.line((left, bottom, width - 20, bottom), fill=INK, width=2)
    draw.text((10, top - 8), str(full), fill=INK, font=small)
    slot = (width - left - 20) // max(len(chart.points), 1)
    for index, (label, total, face) in enumerate(chart.points):
        x = left + index * slot + slot // 2
        if total is not None:
            bar_top = bottom - int((bottom - top) * max(0, min(total, full)) / full)
            draw.rectangle((x - slot // 3, bar_top, x + slot // 3, bottom - 1),
                           fill=FACE_COLOURS[face] if face else GREY)
            draw.text((x - 12, bar_top - 20), str(total), fill=INK, font=small)
        else:
            draw.text((x - 4, bottom - 22), "·", fill=GREY, font=small)
        draw.text((x - int(draw.textlength(label, font=small)) // 2, bottom + 8), label, fill=INK, font=small)
    return _png(image)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
