"""`hemei invites --village CODE --out FILE`: printable invite cards, one per household."""

from __future__ import annotations

import argparse
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
from bot.config import Config
from bot.fonts import find_cjk_font
from handlers.texts import _


def register(subparsers: Subparsers) -> None:
    """Add `hemei invites`."""
    parser = subparsers.add_parser("invites", help="print household invite cards with QR codes")
    add_config_option(parser)
    parser.add_argument("--village", required=True, help="village code, e.g. FX01")
    parser.add_argument("--out", required=True, type=Path, help="a .pdf file, or .png (one file per page)")
    parser.add_argument("--renew", action="store_true", help="issue new codes even where valid ones exist")
    parser.set_defaults(handler=command(_invites))


async def _invites(args: argparse.Namespace, config: Config) -> int:
    if args.out.suffix.lower() not in (".pdf", ".png"):
        raise CliError(_("{name}: use a .pdf or .png file.", name=args.out.name))
    printer = Printer(config)
    username = await _bot_username(config)
    async with services(config) as village:
        cards = await refuse_on_domain_error(printer, village.invites.issue(operator(), args.village, renew=args.renew))
    labels = {"title": printer.text(_("Hemei · Household card")),
              "scan": printer.text(_("Scan with your phone to join the village chat")),
              "code": printer.text(_("Code:")), "valid": printer.text(_("Valid until"))}
    font = find_cjk_font(config.fonts.cjk_path)
    files = save_pages(CardPrinter(username, font, labels).pages(cards), args.out)
    printer.out(_("Wrote {count} card(s) to {files}.", count=len(cards), files=", ".join(str(f) for f in files)))
    if font is None:
        printer.out(_("No Chinese font was found, so names are left off the cards. Install fonts-wqy-microhei "
                      "or set fonts.cjk_path."))
    return 0


async def _bot_username(config: Config) -> str:
    """Return the bot's username: from the config, else asked from Telegram with the token."""
    if config.telegram.bot_username:
        return config.telegram.bot_username.lstrip("@")
    token = config.telegram.token.get_secret_value()
    if not token:
        raise CliError(_("Set telegram.bot_username (or telegram.token) so that the cards can link to the bot."))
    async with Bot(token, base_url=config.telegram.base_url) as bot:
        return str(bot.username)
