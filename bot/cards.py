"""Printable household invite cards (一户一码), on A4 pages (PDF or PNG).

A card carries the Telegram deep link's QR code, the WeChat account's QR code whose scene is the
invite code (made by qrcode/create, drawn here from the URL it returned: no image is downloaded),
or both side by side.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class CardQr:
    """One QR code on a card: the URL it encodes and the caption under it (empty: none)."""

    url: str
    caption: str = ""


class CardPrinter:
    """Lays out cards eight to a page; draws Chinese when a CJK font is available.

    `codes(card)` returns the card's QR codes: one (Telegram or WeChat) or two (both channels).
    """

    def __init__(self, bot_username: str, font_path: Path | None, labels: dict[str, str], *,
                 wechat_urls: Mapping[str, str] | None = None, telegram: bool = True) -> None:
        self._username = bot_username
        self._font_path = font_path
        self._labels = labels
        self._wechat_urls = wechat_urls or {}  # invite code -> the URL of its WeChat QR code
        self._telegram = telegram

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

    def codes(self, card: InviteCard) -> list[CardQr]:
        """Return the QR codes the card carries, captioned by channel when there are two."""
        wechat = self._wechat_urls.get(card.code)
        if not self._telegram and wechat:
            return [CardQr(wechat)]
        link = invite_link(self._username, card.code)
        if wechat is None:
            return [CardQr(link)]
        return [CardQr(link, self._labels["telegram"]), CardQr(wechat, self._labels["wechat"])]

    def card(self, card: InviteCard) -> Image.Image:
        """Draw one card: its text on the left, its QR code(s) on the right."""
        image = Image.new("RGB", CARD, "white")
        draw = ImageDraw.Draw(image)
        draw.rectangle((0, 0, CARD[0] - 1, CARD[1] - 1), outline="#b22222", width=4)
        codes = self.codes(card)
        size = 300 if len(codes) == 1 else 230
        for index, qr in enumerate(reversed(codes)):  # right to left: the first code sits leftmost
            x = CARD[0] - 10 - (index + 1) * size - index * 10
            image.paste(self._qr(qr.url, size), (x, 120))
            if qr.caption:
                draw.text((x + 10, 120 + size + 8), self._drawable(qr.caption), fill="black", font=self._font(24))
        scan = self._labels["scan_wechat"] if codes[0].url != invite_link(self._username, card.code) \
            else self._labels["scan"]
        lines = [
            (self._labels["title"], 40), (card.village.name, 34), (f"{card.group} · {card.household.label}", 34),
            (scan if len(codes) == 1 else "", 24), (f"{self._labels['code']} {card.code}", 24),
            (f"{self._labels['valid']} {card.expires_at:%Y-%m-%d}", 22),
        ]
        y = 30
        for index, (text, size_pt) in enumerate(lines):
            if index == 4 and len(codes) > 1:  # two codes leave no room beside them: the code goes below
                y = 120 + size + 50
            if text:
                draw.text((30, y), self._drawable(text), fill="black", font=self._font(size_pt))
            y += size_pt + 34
        return image

    def _qr(self, link: str, size: int) -> Image.Image:
        """Draw the QR code at a whole number of pixels per module (crisp to print and to scan)."""
        qr = segno.make(link, error="m")
        scale = max(1, size // qr.symbol_size(border=2)[0])
        buffer = io.BytesIO()
        qr.save(buffer, kind="png", scale=scale, border=2)
        buffer.seek(0)
        drawn = Image.open(buffer).convert("RGB")
        framed = Image.new("RGB", (size, size), "white")
        framed.paste(drawn, ((size - drawn.width) // 2, (size - drawn.height) // 2))
        return framed

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
