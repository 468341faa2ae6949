"""`hemei care import FILE` and `hemei care export --village CODE [--month YYYY-MM]`: the care list (关爱名单)
in the roster's spreadsheet formats, and a month's visits (走访记录)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from bot.cli.common import Printer, Subparsers, add_config_option, command, operator, refuse_on_domain_error, services
from bot.cli.reports import parse_month
from bot.config import Config
from bot.spreadsheets import read_table, write_csv, write_table
from handlers.care.labels import CATEGORIES, WELLBEING
from handlers.texts import _
from village.care.sheets import parse_care_rows
from village.care.transfers import VisitRow

VISIT_COLUMNS = (_("Visited at"), _("Name"), _("Household"), _("Care category"), _("How they were"), _("Note"),
                 _("Voice message"), _("Photo"), _("Problem found"), _("Report"), _("Family contacted"),
                 _("Visited by"))
YES, NO = _("yes"), _("no")


def register(subparsers: Subparsers) -> None:
    """Add `hemei care`."""
    parser = subparsers.add_parser("care", help="the care list (关爱名单) and its visits")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    importing = actions.add_parser("import", help="put people on the care list from a file (all rows checked first)")
    add_config_option(importing)
    importing.add_argument("file", type=Path, help="a .csv or .xlsx file: village, name, household or phone, "
                                                   "category, rhythm")
    importing.set_defaults(handler=command(_import))
    exporting = actions.add_parser("export", help="write a village's care list, or with --month its visits")
    add_config_option(exporting)
    exporting.add_argument("--village", required=True, help="village code, e.g. FX01")
    exporting.add_argument("--month", help="write the visits of this month instead, e.g. 2026-11")
    exporting.add_argument("--out", type=Path, help=".csv or .xlsx file (default: CSV on standard output)")
    exporting.set_defaults(handler=command(_export))


async def _import(args: argparse.Namespace, config: Config) -> int:
    printer = Printer(config)
    table = read_table(args.file)
    rows, errors = await asyncio.to_thread(parse_care_rows, table)
    async with services(config) as village:
        summary = await refuse_on_domain_error(printer, village.care_sheets.import_rows(operator(), rows, errors))
    printer.out(_("Care list imported: {added} added, {changed} changed, {unchanged} unchanged.",
                  added=summary.added, changed=summary.changed, unchanged=summary.unchanged))
    return 0


async def _export(args: argparse.Namespace, config: Config) -> int:
    printer = Printer(config)
    async with services(config) as village:
        if args.month is None:
            table = await refuse_on_domain_error(printer, village.care_sheets.list_table(operator(), args.village))
        else:
            year, month = parse_month(args.month)
            visits = await refuse_on_domain_error(printer, village.care_sheets.month_visits(
                operator(), args.village, year, month))
            table = [[printer.text(c) for c in VISIT_COLUMNS],
                     *(_visit(r, printer, village.care_sheets.local) for r in visits)]
    if args.out is None:
        write_csv(sys.stdout, table)
    else:
        write_table(args.out, table, title=f"care {args.village} {args.month or ''}".strip())
        printer.out(_("Wrote {count} row(s) to {path}.", count=len(table) - 1, path=str(args.out)))
    return 0


def _visit(row: VisitRow, printer: Printer, local: Callable[[datetime], str]) -> list[object]:
    visit, draft = row.visit, row.visit.draft
    return [local(visit.at), row.person, row.household, printer.text(CATEGORIES[row.category]),
            printer.text(WELLBEING[draft.wellbeing]), draft.note, printer.text(YES if draft.voice else NO),
            printer.text(YES if draft.photo else NO), printer.text(YES if draft.problem else NO), row.report_code,
            printer.text(YES if draft.family_contacted else NO), row.visitor]
