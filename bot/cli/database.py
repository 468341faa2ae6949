"""`hemei db upgrade` and `hemei db current`: the schema."""

from __future__ import annotations

import argparse

from bot.cli.common import Subparsers, add_config_option, command
from bot.config import Config
from storage.migrate import current_revision, head_revision, upgrade


def register(subparsers: Subparsers) -> None:
    """Add `hemei db`."""
    parser = subparsers.add_parser("db", help="database schema")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    up = actions.add_parser("upgrade", help="apply migrations (also done at every start)")
    add_config_option(up)
    up.add_argument("--revision", default="head", help="target revision (default: head)")
    up.set_defaults(handler=command(_upgrade))
    current = actions.add_parser("current", help="show the schema revision")
    add_config_option(current)
    current.set_defaults(handler=command(_current))


async def _upgrade(args: argparse.Namespace, config: Config) -> int:
    revision = await upgrade(config.database.url, args.revision)
    print(f"database at revision {revision}")
    return 0


async def _current(args: argparse.Namespace, config: Config) -> int:
    print(f"database at revision {await current_revision(config.database.url)} (newest: {head_revision()})")
    return 0
