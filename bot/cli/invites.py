"""`hemei invites --village CODE --out FILE [--channel telegram|wechat|both]`: printable invite cards, one per
household, with the Telegram deep link's QR code, the WeChat account's QR code, or both."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from telegram import Bot

from bot.cards import CardPrinter, save_pages
from bot.cli.common import (
    CliError,
    Printer,
    Subparsers,
    add_config_option,
    command,
    operator,
    refuse_on_domain_error,
    services,
)
from bot.cli.wechat import staff_tags
from bot.config import Config
from bot.fonts import find_cjk_font
from bot.wechat.errors import WechatApiError
from handlers.texts import _
from storage.database import Database
from storage.wechat_qr_codes import KeptQrCode, WechatQrCodeRepository
from village.clock import SystemClock
from village.invites import InviteCard

CHANNELS = ("telegram", "wechat", "both")


def register(subparsers: Subparsers) -> None:
    """Add `hemei invites`."""
    parser = subparsers.add_parser("invites", help="print household invite cards with QR codes")
    add_config_option(parser)
    parser.add_argument("--village", required=True, help="village code, e.g. FX01")
    parser.add_argument("--out", required=True, type=Path, help="a .pdf file, or .png (one file per page)")
    parser.add_argument("--renew", action="store_true", help="issue new codes even where valid ones exist")
    parser.add_argument("--channel", choices=CHANNELS, default="telegram",
                        help="the QR code(s) on the cards: Telegram's deep link (default), WeChat's, or both")
    parser.set_defaults(handler=command(_invites))


async def _invites(args: argparse.Namespace, config: Config) -> int:
    if args.out.suffix.lower() not in (".pdf", ".png"):
        raise CliError(_("{name}: use a .pdf or .png file.", name=args.out.name))
    channel = getattr(args, "channel", "telegram")
    if channel != "telegram" and not config.wechat.enabled:
        raise CliError(_("WeChat is not configured: set wechat.app_id first."))
    printer = Printer(config)
    username = await _bot_username(config) if channel != "wechat" else ""
    async with services(config) as village:
        cards = await refuse_on_domain_error(printer, village.invites.issue(operator(), args.village, renew=args.renew))
    wechat_urls = await _wechat_qr_urls(config, cards) if channel != "telegram" else None
    labels = {"title": printer.text(_("Hemei · Household card")),
              "scan": printer.text(_("Scan with your phone to join the village chat")),
              "scan_wechat": printer.text(_("Scan with WeChat to follow the village account and join")),
              "telegram": "Telegram", "wechat": printer.text(_("WeChat")),
              "code": printer.text(_("Code:")), "valid": printer.text(_("Valid until"))}
    font = find_cjk_font(config.fonts.cjk_path)
    printer_of_cards = CardPrinter(username, font, labels, wechat_urls=wechat_urls, telegram=channel != "wechat")
    files = save_pages(printer_of_cards.pages(cards), args.out)
    printer.out(_("Wrote {count} card(s) to {files}.", count=len(cards), files=", ".join(str(f) for f in files)))
    if font is None:
        printer.out(_("No Chinese font was found, so names are left off the cards. Install fonts-wqy-microhei "
                      "or set fonts.cjk_path."))
    return 0


async def _wechat_qr_urls(config: Config, cards: Sequence[InviteCard]) -> dict[str, str]:
    """Return each card's WeChat QR code URL: a permanent code whose scene is the invite code.

    Permanent, because a card is printed once and kept for the invite's whole validity (a temporary
    code lasts 30 days at most); a scan of an expired invite says so in the chat. An account may make
    100,000 permanent codes in all, so a code made for an invite before is reused, and each new one is
    kept as soon as WeChat made it (a run that fails halfway loses none).
    """
    clock = SystemClock()
    database = Database.open(config.database.url)
    try:
        async with database.transaction() as store:
            kept = await WechatQrCodeRepository(store.connection).of_scenes([card.code for card in cards])
        async with staff_tags(config) as (client, _tags):
            for card in cards:
                if card.code not in kept:
                    made = await client.create_qrcode(card.code)
                    kept[card.code] = KeptQrCode(card.code, made.ticket, made.url)
                    async with database.transaction() as store:
                        await WechatQrCodeRepository(store.connection).keep(kept[card.code], clock.now())
    except WechatApiError as error:
        raise CliError(_("WeChat refused the QR codes: {reason}", reason=str(error)), status=1) from None
    finally:
        await database.close()
    return {card.code: kept[card.code].url for card in cards}


async def _bot_username(config: Config) -> str:
    """Return the bot's username: from the config, else asked from Telegram with the token."""
    if config.telegram.bot_username:
        return config.telegram.bot_username.lstrip("@")
    token = config.telegram.token.get_secret_value()
    if not token:
        raise CliError(_("Set telegram.bot_username (or telegram.token) so that the cards can link to the bot."))
    async with Bot(token, base_url=config.telegram.base_url) as bot:
        return str(bot.username)
