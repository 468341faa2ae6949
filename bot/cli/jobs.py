"""`hemei jobs` lists scheduled jobs; `hemei jobs run NAME [--at DATETIME]` runs one as if at that time."""

from __future__ import annotations

import argparse

from bot.cli.common import CliError, Subparsers, add_config_option, command, parse_moment
from bot.config import Config
from bot.i18n import Catalogs
from bot.scheduler import Scheduler
from handlers import registry
from handlers.menu import Menu
from storage.database import Database
from storage.migrate import upgrade
from village.clock import ManualClock, SystemClock


def register(subparsers: Subparsers) -> None:
    """Add `hemei jobs`."""
    parser = subparsers.add_parser("jobs", help="list scheduled jobs, or run one")
    add_config_option(parser)
    parser.set_defaults(handler=command(_list))
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    run = actions.add_parser("run", help="run one job now, or as if at --at")
    add_config_option(run)
    run.add_argument("name", help="the job's name, as `hemei jobs` lists it")
    run.add_argument("--at", help="run as if at this time, e.g. 2026-12-01T09:00 (default: now)")
    run.set_defaults(handler=command(_run))


def _scheduler(config: Config, database: Database, clock: ManualClock | SystemClock) -> Scheduler:
    return Scheduler(registry.jobs(), config, database=database, clock=clock,
                     renderer=Catalogs.load(config.locale), menu=Menu(registry.flows()))


async def _list(args: argparse.Namespace, config: Config) -> int:
    await upgrade(config.database.url)
    database = Database.open(config.database.url)
    try:
        table = await _scheduler(config, database, SystemClock()).table()
    finally:
        await database.close()
    for job in table:
        next_run = job.next_run.astimezone(config.timezone).strftime("%Y-%m-%d %H:%M") if job.next_run else "-"
        last_run = job.last_run.astimezone(config.timezone).strftime("%Y-%m-%d %H:%M") if job.last_run else "never"
        print(f"{job.name:<24} {job.cron:<16} next {next_run:<16} last {last_run:<16} {job.description}")
    return 0


async def _run(args: argparse.Namespace, config: Config) -> int:
    if args.name not in registry.job_names():
        raise CliError(f"unknown job {args.name!r}; known: {', '.join(sorted(registry.job_names()))}")
    at = parse_moment(args.at, config) if args.at else SystemClock().now()
    await upgrade(config.database.url)
    database = Database.open(config.database.url)
    try:
        summary = await _scheduler(config, database, SystemClock()).run(args.name, at, clock=ManualClock(at))
    finally:
        await database.close()
    print(f"{args.name}: {summary}")
    print("messages are queued in the outbox; the running bot sends them")
    return 0
