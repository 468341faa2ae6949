"""Printable household invite cards (一户一码): a QR code of the deep link, on A4 pages (PDF or PNG)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import segno
from PIL import Image, ImageDraw, ImageFont

from village.invites import InviteCard

PAGE = (1654, 2339)  # A4 at 200 dpi
CARD = (780, 540)
COLUMNS, ROWS = 2, 4
MARGIN = 30

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def invite_link(bot_username: str, code: str) -> str:
    """Return the deep link that starts the bot with the invite code."""
    return f"https://t.me/{bot_username}?start={code}"


class CardPrinter:
    """Lays out cards eight to a page; draws Chinese when a CJK font is available."""

    def __init__(self, bot_username: str, font_path: Path | None, labels: dict[str, str]) -> None:
        self._username = bot_username
        self._font_path = font_path
        self._labels = labels

    def pages(self, cards: Sequence[InviteCard]) -> list[Image.Image]:
        """Return the A4 pages holding every card."""
        per_page = COLUMNS * ROWS
        pages = []
        for start in range(0, len(cards), per_page):
            page = Image.new("RGB", PAGE, "white")
            for index, card in enumerate(cards[start:start + per_page]):
                x = MARGIN + (index % COLUMNS) * (CARD[0] + MARGIN)
                y = MARGIN + (index // COLUMNS) * (CARD[1] + MARGIN)
                page.paste(self.card(card), (x, y))
            pages.append(page)
        return pages

    def card(self, card: InviteCard) -> Image.Image:
        """Draw one card."""
        image = Image.new("RGB", CARD, "white")
        draw = ImageDraw.Draw(image)
        draw.rectangle((0, 0, CARD[0] - 1, CARD[1] - 1), outline="#b22222", width=4)
        qr = self._qr(invite_link(self._username, card.code), 300)
        image.paste(qr, (CARD[0] - 330, 120))
        lines = [
            (self._labels["title"], 40), (card.village.name, 34), (f"{card.group} · {card.household.label}", 34),
            (self._labels["scan"], 24), (f"{self._labels['code']} {card.code}", 24),
            (f"{self._labels['valid']} {card.expires_at:%Y-%m-%d}", 22),
        ]
        y = 30
        for text, size in lines:
            draw.text((30, y), self._drawable(text), fill="black", font=self._font(size))
            y += size + 34
        return image

    def _qr(self, link: str, size: int) -> Image.Image:
        buffer = io.BytesIO()
        segno.make(link, error="m").save(buffer, kind="png", scale=10, border=2)
        buffer.seek(0)
        return Image.open(buffer).convert("RGB").resize((size, size), Image.Resampling.NEAREST)

    def _font(self, size: int) -> Font:
        if self._font_path is not None:
            return ImageFont.truetype(str(self._font_path), size)
        return ImageFont.load_default(size)

    def _drawable(self, text: str) -> str:
        """Without a CJK font Chinese would print as boxes: keep only what the default font can draw."""
        if self._font_path is not None:
            return text
        return "".join(ch for ch in text if ch.isascii()).strip(" ·") or "-"


def save_pages(pages: Sequence[Image.Image], out: Path) -> list[Path]:
    """Save pages as one PDF, or as numbered PNG files; return the files written."""
    if not pages:
        return []
    suffix = out.suffix.lower()
    if suffix == ".pdf":
        pages[0].save(out, "PDF", resolution=200, save_all=True, append_images=list(pages[1:]))
        return [out]
    if suffix == ".png":
        if len(pages) == 1:
            pages[0].save(out)
            return [out]
        written = [out.with_name(f"{out.stem}-{i}{out.suffix}") for i in range(1, len(pages) + 1)]
        for page, path in zip(pages, written, strict=True):
            page.save(path)
        return written
    raise ValueError(f"{out.name}: use .pdf or .png")
