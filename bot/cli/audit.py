"""`hemei audit [--village CODE] [--since DATE]`: print the audit log."""

from __future__ import annotations

import argparse
import json

from bot.cli.common import (
    CliError,
    Printer,
    Subparsers,
    add_config_option,
    command,
    operator,
    parse_moment,
    refuse_on_domain_error,
    services,
)
from bot.config import Config
from handlers.texts import _
from village.audit import AuditEntry


def register(subparsers: Subparsers) -> None:
    """Add `hemei audit`."""
    parser = subparsers.add_parser("audit", help="print the audit log")
    add_config_option(parser)
    parser.add_argument("--village", help="village code (default: every village)")
    parser.add_argument("--since", help="only entries from this date or time on, e.g. 2026-11-01")
    parser.set_defaults(handler=command(_audit))


async def _audit(args: argparse.Namespace, config: Config) -> int:
    printer = Printer(config)
    since = parse_moment(args.since, config) if args.since else None
    async with services(config) as village:
        village_id = None
        if args.village:
            found = await village.store.places.village_by_code(args.village.upper())
            if found is None:
                raise CliError(_("There is no village with the code {code}.", code=args.village))
            village_id = found.id
        entries = await refuse_on_domain_error(printer, village.audit.entries(operator(), village_id, since))
    for entry in entries:
        print(format_entry(entry, config))
    return 0


def format_entry(entry: AuditEntry, config: Config) -> str:
    """Return one tab-separated line: when, who, action, target, before, after."""
    when = entry.at.astimezone(config.timezone).strftime("%Y-%m-%d %H:%M:%S")
    before = json.dumps(entry.before, ensure_ascii=False) if entry.before is not None else "-"
    after = json.dumps(entry.after, ensure_ascii=False) if entry.after is not None else "-"
    return "\t".join((when, entry.actor_label, entry.action, entry.target, before, after))
