"""`hemei jobs` lists scheduled jobs; `hemei jobs run NAME [--at DATETIME] [--dry-run]` runs one as if at that time.

`--dry-run` shows the messages the job would send (e.g. a cadre checking next month's
digest) and changes nothing, so the real run still sends them.
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import datetime
from pathlib import Path

from bot.cli.common import CliError, Subparsers, add_config_option, command, parse_moment
from bot.config import Config
from bot.holidays import coverage_warning
from bot.scheduler import JobPreview, standalone_scheduler
from handlers import registry
from handlers.replies import Reply
from handlers.texts import _
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
    run.add_argument("--dry-run", action="store_true",
                     help="show the messages it would send, and change nothing")
    run.set_defaults(handler=command(_run))


async def _list(args: argparse.Namespace, config: Config) -> int:
    await upgrade(config.database.url)
    database = Database.open(config.database.url)
    try:
        table = await standalone_scheduler(config, database, SystemClock()).table()
    finally:
        await database.close()
    for job in table:
        next_run = job.next_run.astimezone(config.timezone).strftime("%Y-%m-%d %H:%M") if job.next_run else "-"
        last_run = job.last_run.astimezone(config.timezone).strftime("%Y-%m-%d %H:%M") if job.last_run else "never"
        print(f"{job.name:<24} {job.cron:<16} next {next_run:<16} last {last_run:<16} {job.description}")
    warning = coverage_warning(config.work_calendar(), SystemClock().now().astimezone(config.timezone).date())
    if warning:
        print(f"warning: {warning}")
    return 0


async def _run(args: argparse.Namespace, config: Config) -> int:
    if args.name not in registry.job_names():
        raise CliError(_("Unknown job {name}; the jobs are: {known}.", name=args.name,
                         known=", ".join(sorted(registry.job_names()))))
    at = parse_moment(args.at, config) if args.at else SystemClock().now()
    await upgrade(config.database.url)
    database = Database.open(config.database.url)
    try:
        if args.dry_run:
            await _dry_run(args.name, at, config, database)
            return 0
        summary = await standalone_scheduler(config, database, SystemClock()).run(args.name, at, clock=ManualClock(at))
    finally:
        await database.close()
    print(f"{args.name}: {summary}")
    print("messages are queued in the outbox; the running bot sends them")
    return 0


async def _dry_run(name: str, at: datetime, config: Config, database: Database) -> None:
    """Preview the job with its images made in a folder deleted afterwards: a dry run leaves no file behind."""
    with tempfile.TemporaryDirectory(prefix="hemei-dry-run-") as media_dir:
        scheduler = standalone_scheduler(config, database, SystemClock(), Path(media_dir))
        _print_preview(name, await scheduler.preview(name, at))


def _print_preview(name: str, preview: JobPreview) -> None:
    """Print each distinct message once, with the accounts it would go to."""
    print(f"{name} (dry run, nothing was changed): {preview.summary}")
    grouped: dict[tuple[str, str], list[str]] = {}
    for identity, reply in preview.messages:
        grouped.setdefault((str(reply.text), _attachment(reply)), []).append(
            identity.display_name or f"{identity.channel}:{identity.external_id}")
    for (text, attachment), names in grouped.items():
        print(f"\n--- to {len(names)} account(s): {', '.join(names)}")
        print(text)
        if attachment:
            print(f"[attachment: {attachment}]")


def _attachment(reply: Reply) -> str:
    attachment = reply.attachment
    if attachment is None:
        return ""
    if attachment.path:  # made for this preview in a folder about to be deleted: describe it, do not point at it
        size = Path(attachment.path).stat().st_size if Path(attachment.path).exists() else 0
        return f"{Path(attachment.path).suffix.lstrip('.') or 'file'}, {size // 1024} KB, not saved (dry run)"
    return f"kept file {attachment.media_id}" if attachment.media_id is not None else ""
