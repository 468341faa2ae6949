"""`hemei roster import FILE` and `hemei roster export`: the village roster as CSV or XLSX."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.cli.common import Printer, Subparsers, add_config_option, command, operator, refuse_on_domain_error, services
from bot.cli.wechat import reconcile_staff_tags
from bot.config import Config
from bot.spreadsheets import limits, read_table, write_csv, write_table
from handlers.texts import _
from village.roster.rows import NumberedRow, parse_rows


def register(subparsers: Subparsers) -> None:
    """Add `hemei roster`."""
    parser = subparsers.add_parser("roster", help="import or export the roster")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    importing = actions.add_parser("import", help="import a roster (all rows are checked first)")
    add_config_option(importing)
    importing.add_argument("file", type=Path, help="a .csv or .xlsx file with a header row")
    importing.set_defaults(handler=command(_import))
    exporting = actions.add_parser("export", help="write the roster in the import format")
    add_config_option(exporting)
    exporting.add_argument("--village", help="village code (default: every village)")
    exporting.add_argument("--out", type=Path, help=".csv or .xlsx file (default: CSV on standard output)")
    exporting.set_defaults(handler=command(_export))


async def _import(args: argparse.Namespace, config: Config) -> int:
    printer = Printer(config)
    # Validate every row before the transaction: SQLite's write lock is then held only while writing.
    rows = await refuse_on_domain_error(printer, asyncio.to_thread(read_rows, args.file))
    async with services(config) as village:
        summary = await refuse_on_domain_error(printer, village.roster.import_rows(operator(), rows))
    printer.out(_("Imported {villages} village(s), {households} household(s): {added} people added, "
                  "{updated} updated, {unchanged} unchanged.", villages=summary.villages,
                  households=summary.households, added=summary.added, updated=summary.updated,
                  unchanged=summary.unchanged))
    if (warning := await reconcile_staff_tags(config)) is not None:  # roles may have changed: WeChat's menus too
        printer.out(warning)
    return 0


def read_rows(path: Path) -> list[NumberedRow]:
    """Read and validate a roster file; its table of cells is freed before the import writes (a district's is
    about 200 MB at 300,000 rows)."""
    return parse_rows(read_table(path, limits.district()))


async def _export(args: argparse.Namespace, config: Config) -> int:
    printer = Printer(config)
    async with services(config) as village:
        table = await refuse_on_domain_error(printer, village.roster.export_table(operator(), args.village))
    if args.out is None:
        write_csv(sys.stdout, table)
    else:
        write_table(args.out, table, title="roster")
        printer.out(_("Wrote {count} people to {path}.", count=len(table) - 1, path=str(args.out)))
    return 0
