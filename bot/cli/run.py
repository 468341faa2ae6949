"""`hemei run`: the bot, polling or on a webhook as configured."""

from __future__ import annotations

import argparse

from bot.app import build_runtime
from bot.cli.common import Subparsers, add_config_option, command
from bot.config import Config
from bot.logs import setup_logging


def register(subparsers: Subparsers) -> None:
    """Add `hemei run`."""
    parser = subparsers.add_parser("run", help="run the bot (polling or webhook, per config)")
    add_config_option(parser)
    parser.set_defaults(handler=command(_run))


async def _run(args: argparse.Namespace, config: Config) -> int:
    runtime = build_runtime(config)  # refuses a missing token before anything is logged
    secrets = (config.telegram.token.get_secret_value(), config.telegram.webhook.secret.get_secret_value(),
               *config.wechat.secrets())
    setup_logging(config.logging.level, secrets)
    await runtime.serve_forever()
    return 0
