"""`hemei reports export --village CODE --month YYYY-MM [--out FILE]`: a month's reports as CSV or XLSX."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

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
from bot.spreadsheets import write_csv, write_table
from handlers.reports.cards import STATUS
from handlers.texts import _
from village.geo import Datum
from village.reports import ExportRow, Rating

COLUMNS = (
    _("Code"), _("Category"), _("State"), _("Reporter"), _("Filed by"), _("Grid"), _("Handled by"),
    _("Description"), _("Address"), _("Latitude"), _("Longitude"), _("Photos"), _("Residents who joined"),
    _("Reported at"), _("Accepted at"), _("Resolved at"), _("Closed at"), _("Rating"), _("Times reopened"),
)
RATINGS = {Rating.SATISFIED: _("Satisfied"), Rating.BASIC: _("Mostly satisfied"),
           Rating.UNSATISFIED: _("Not satisfied")}
ANONYMOUS = _("Anonymous")


def register(subparsers: Subparsers) -> None:
    """Add `hemei reports`."""
    parser = subparsers.add_parser("reports", help="problem reports")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    exporting = actions.add_parser("export", help="write a month's reports of a village (anonymous ones as 匿名)")
    add_config_option(exporting)
    exporting.add_argument("--village", required=True, help="village code, e.g. FX01")
    exporting.add_argument("--month", required=True, help="the month the reports were filed, e.g. 2026-11")
    exporting.add_argument("--out", type=Path, help=".csv or .xlsx file (default: CSV on standard output)")
    exporting.set_defaults(handler=command(_export))


def parse_month(text: str) -> tuple[int, int]:
    """Parse YYYY-MM."""
    found = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if found is None or not 1 <= int(found.group(2)) <= 12:
        raise CliError(_("Not a month: {text} (use e.g. 2026-11).", text=text))
    return int(found.group(1)), int(found.group(2))


async def _export(args: argparse.Namespace, config: Config) -> int:
    printer = Printer(config)
    year, month = parse_month(args.month)
    async with services(config) as village:
        rows = await refuse_on_domain_error(printer, village.reports.export(operator(), args.village, year, month))
    table = [[printer.text(c) for c in COLUMNS], *(_row(r, printer, config.timezone) for r in rows)]
    if args.out is None:
        write_csv(sys.stdout, table)
    else:
        write_table(args.out, table, title=f"reports {args.village} {args.month}")
        printer.out(_("Wrote {count} report(s) to {path}.", count=len(rows), path=str(args.out)))
    return 0


def _row(row: ExportRow, printer: Printer, zone: ZoneInfo) -> list[object]:
    r = row.report
    reporter = row.reporter or printer.text(ANONYMOUS)
    rating = printer.text(RATINGS[r.rating]) if r.rating else ""
    point = r.point.to(Datum.WGS84) if r.point else None  # one datum per column, whichever channel it came from
    return [
        r.code, r.category, printer.text(STATUS[r.status]), reporter, row.filed_by or "", row.grid or "",
        row.assignee or "", r.text, r.address, point.latitude if point else "",
        point.longitude if point else "", row.photos, r.followers, _local(r.created_at, zone),
        _local(r.accepted_at, zone), _local(r.resolved_at, zone), _local(r.closed_at, zone), rating, r.reopened,
    ]


def _local(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""
