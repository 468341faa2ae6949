"""The `hemei` command: one module per group of subcommands, each with `register(subparsers)`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.cli import audit, care, convention, database, demo, invites, jobs, reports, rewards, roles, roster, run

COMMANDS = (run, database, roster, invites, roles, audit, jobs, reports, convention, rewards, care, demo)


def build_parser() -> argparse.ArgumentParser:
    """Return the parser with every subcommand registered."""
    parser = argparse.ArgumentParser(prog="hemei", description="和美 Hemei: village governance chatbot")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMANDS:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit status (2 for bad arguments or configuration)."""
    args = build_parser().parse_args(argv)
    status: int = args.handler(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
