"""`hemei run`: the bot, polling or on a webhook as configured, in one role or all."""

from __future__ import annotations

import argparse

from telegram.error import InvalidToken

from bot.app import ROLES, build_runtime
from bot.cli.common import CliError, Subparsers, add_config_option, command
from bot.config import Config
from bot.logs import setup_logging

REJECTED_TOKEN = ("Telegram rejected the bot token (telegram.token or HEMEI_TELEGRAM__TOKEN): it was revoked or "
                  "mistyped. Copy the current token from @BotFather and start again.")


def register(subparsers: Subparsers) -> None:
    """Add `hemei run`."""
    parser = subparsers.add_parser("run", help="run the bot (polling or webhook, per config)")
    add_config_option(parser)
    parser.add_argument("--role", choices=ROLES, default="all",
                        help="worker: answer updates only; leader: run the scheduler and send the outbox "
                             "(one leader at a time, on PostgreSQL; standbys take over); all: both (default)")
    parser.set_defaults(handler=command(_run))


async def _run(args: argparse.Namespace, config: Config) -> int:
    runtime = build_runtime(config)  # refuses a missing token before anything is logged
    secrets = (config.telegram.token.get_secret_value(), config.telegram.webhook.secret.get_secret_value(),
               *config.wechat.secrets())
    setup_logging(config.logging.level, secrets, line_format=config.logging.format)
    try:
        await runtime.serve_forever(args.role)
    except InvalidToken:  # PTB's message quotes the whole token: never print it
        raise CliError(REJECTED_TOKEN) from None
    return 0
