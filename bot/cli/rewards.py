"""`hemei rewards export` (the reward ledger) and `hemei homestead` (和美宅基 assessments and spot checks)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

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
from handlers.texts import _
from village.convention.homesteads import HomesteadStanding
from village.convention.models import HomesteadKind
from village.convention.rewards import RewardLedger
from village.convention.rules import Standard, parse_standard

LEDGER_HEADER = ["level", "village", "group", "household", "entitled", "released", "withheld", "pending"]


def register(subparsers: Subparsers) -> None:
    """Add `hemei rewards` and `hemei homestead`."""
    rewards = subparsers.add_parser("rewards", help="the reward ledger (和美奖励金)")
    actions = rewards.add_subparsers(dest="action", metavar="ACTION", required=True)
    export = actions.add_parser("export", help="per household and per group: entitled, released, withheld")
    add_config_option(export)
    export.add_argument("--village", required=True, help="village code, e.g. FX01")
    export.add_argument("--year", required=True, type=int, help="e.g. 2026")
    export.add_argument("--out", type=Path, help=".csv or .xlsx file (default: CSV on standard output)")
    export.set_defaults(handler=command(_export))

    homestead = subparsers.add_parser("homestead", help="和美宅基 group assessments and spot checks")
    steps = homestead.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, kind, text in (("assess", HomesteadKind.ANNUAL, "record (or replace) a group's yearly result"),
                             ("spot-check", HomesteadKind.SPOT_CHECK, "record a spot check (复审/抽查)")):
        step = steps.add_parser(name, help=text)
        add_config_option(step)
        step.add_argument("--village", required=True, help="village code, e.g. FX01")
        step.add_argument("--group", required=True, help="the group's name, e.g. 1组")
        step.add_argument("--year", type=int, help="default: this year")
        step.add_argument("--fail", action="append", default=[], metavar="STANDARD",
                          help="a standard not met (清五违 清群租 清垃圾 河道美 绿化美 民风美); repeat for more")
        step.add_argument("--note", action="append", default=[], metavar="STANDARD=TEXT",
                          help="a note on a standard, e.g. 清群租=3号楼群租")
        step.set_defaults(handler=command(_record), kind=kind)
    show = steps.add_parser("show", help="every group's standing and reward for a year")
    add_config_option(show)
    show.add_argument("--village", required=True, help="village code, e.g. FX01")
    show.add_argument("--year", required=True, type=int, help="e.g. 2026")
    show.set_defaults(handler=command(_show))


async def _export(args: argparse.Namespace, config: Config) -> int:
    printer = Printer(config)
    async with services(config) as village_services:
        ledger = await refuse_on_domain_error(printer, village_services.rewards.ledger(operator(), args.village,
                                                                                       args.year))
    table = ledger_table(ledger)
    if args.out is None:
        write_csv(sys.stdout, table)
    else:
        write_table(args.out, table, title=f"rewards {args.year}")
        printer.out(_("Wrote the {year} rewards of {households} household(s) and {groups} group(s) to {path}.",
                      year=args.year, households=len(ledger.households), groups=len(ledger.groups),
                      path=str(args.out)))
    return 0


def ledger_table(ledger: RewardLedger) -> list[list[str]]:
    """Return the ledger as a table in yuan: households first, then groups."""
    rows = [list(LEDGER_HEADER)]
    for h in ledger.households:
        rows.append(["household", ledger.village.code, h.group.name, h.household.label,
                     *(yuan(v) for v in (h.entitled, h.released, h.withheld, h.pending))])
    for g in ledger.groups:
        reward = g.reward
        rows.append(["group", ledger.village.code, g.group.name, "",
                     *(yuan(v) for v in (reward.entitled, reward.released, reward.withheld, reward.pending))])
    return rows


async def _record(args: argparse.Namespace, config: Config) -> int:
    printer = Printer(config)
    failed = {_standard(token) for token in args.fail}
    notes = dict(_note(token) for token in args.note)
    async with services(config) as village_services:
        group = await refuse_on_domain_error(printer, village_services.homesteads.group_named(
            operator(), args.village, args.group))
        standing = await refuse_on_domain_error(printer, village_services.homesteads.record(
            operator(), group.village_id, group.id, kind=args.kind, results={s: s not in failed for s in Standard},
            notes=notes, year=args.year))
    print(_standing_line(standing))
    return 0


async def _show(args: argparse.Namespace, config: Config) -> int:
    printer = Printer(config)
    async with services(config) as village_services:
        standings = await refuse_on_domain_error(printer, village_services.homesteads.village_year(
            operator(), args.village, args.year))
    for standing in standings:
        print(_standing_line(standing))
    return 0


def _standing_line(standing: HomesteadStanding) -> str:
    annual = standing.annual
    state = "not assessed" if annual is None else "passed" if annual.passed else "not passed"
    reward = standing.reward
    return (f"{standing.group.name} {standing.year}: {state}; spot checks {len(standing.spot_checks)} "
            f"({standing.failed_spot_checks} failed); reward released {yuan(reward.released)}, withheld "
            f"{yuan(reward.withheld)}, pending {yuan(reward.pending)}")


def _standard(token: str) -> Standard:
    try:
        return parse_standard(token)
    except ValueError:
        raise CliError(_("Unknown standard {name}; use 清五违 清群租 清垃圾 河道美 绿化美 民风美.",
                         name=token)) from None


def _note(token: str) -> tuple[Standard, str]:
    name, separator, text = token.partition("=")
    if not separator or not text.strip():
        raise CliError(_("A note is STANDARD=TEXT, e.g. 清群租=3号楼群租 (not {text}).", text=token))
    return _standard(name), text.strip()


def yuan(fen: int) -> str:
    """Return integer fen as yuan with two decimals, e.g. 600.00."""
    return f"{fen // 100}.{fen % 100:02d}"
