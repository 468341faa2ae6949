"""What every subcommand shares: options, configuration, services, and printing."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any, TypeAlias, TypeVar

from bot.config import Config, ConfigError, load_config
from bot.environment import unknown_variables
from bot.i18n import Catalogs
from bot.spreadsheets import FileMissingError, SpreadsheetError
from handlers.errors import error_text, row_error_text
from handlers.texts import Content, _
from storage.database import Database
from storage.migrate import upgrade
from village.clock import Clock, SystemClock
from village.errors import ImportRejectedError, VillageError
from village.people import Actor
from village.services import Services

T = TypeVar("T")
USAGE_ERROR = 2  # bad arguments or configuration
REFUSED = 1  # the data or the rules said no
MAX_LISTED_PROBLEMS = 20  # a file with a million bad rows names the first ones and counts the rest

Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
Handler = Callable[[argparse.Namespace], int]


class CliError(Exception):
    """A problem to print, in the configured language, and exit with `status`."""

    def __init__(self, message: Content, status: int = USAGE_ERROR) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def add_config_option(parser: argparse.ArgumentParser) -> None:
    """Add `--config PATH` (default: $HEMEI_CONFIG, then built-in defaults)."""
    parser.add_argument("--config", metavar="PATH", help="config file (default: $HEMEI_CONFIG)")


def command(handler: Callable[[argparse.Namespace, Config], Coroutine[Any, Any, int]]) -> Handler:
    """Wrap an async subcommand: load the config, run it, and turn errors into messages and statuses."""

    def run(args: argparse.Namespace) -> int:
        for warning in unknown_variables(os.environ, Config):
            print(warning, file=sys.stderr)
        try:
            config = load_config(args.config, os.environ)
            return asyncio.run(handler(args, config))
        except ConfigError as error:
            print(error, file=sys.stderr)
            return USAGE_ERROR
        except CliError as error:
            print(Printer(config).text(error.message), file=sys.stderr)
            return error.status
        except SpreadsheetError as error:
            print(Printer(config).text(error.text), file=sys.stderr)
            return USAGE_ERROR if isinstance(error, FileMissingError) else REFUSED

    return run


def operator() -> Actor:
    """Return the operator at this terminal, as the audit log will name them."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "unknown"
    return Actor.operator(name)


@asynccontextmanager
async def services(config: Config, clock: Clock | None = None) -> AsyncIterator[Services]:
    """Bring the database up to date and yield services in one transaction (all or nothing)."""
    await upgrade(config.database.url)
    database = Database.open(config.database.url)
    try:
        async with database.transaction() as store:
            yield Services(store, clock or SystemClock(), config)
    finally:
        await database.close()


class Printer:
    """Prints translated messages in the configured language."""

    def __init__(self, config: Config) -> None:
        self._catalogs = Catalogs.load(config.locale)
        self._locale = config.locale

    def text(self, content: Content) -> str:
        """Render content in the CLI's language."""
        return self._catalogs.text(content, self._locale)

    def out(self, content: Content) -> None:
        """Print to standard output."""
        print(self.text(content))

    def refusal(self, error: VillageError) -> CliError:
        """Return a CliError describing a domain refusal, the first bad rows listed and the rest counted."""
        lines = [self.text(error_text(error))]
        if isinstance(error, ImportRejectedError):
            lines += self.listed([row_error_text(row) for row in error.errors])
        return CliError("\n".join(lines), REFUSED)

    def listed(self, problems: Sequence[Content]) -> list[str]:
        """Render the first `MAX_LISTED_PROBLEMS` problems, and how many more there are."""
        lines = [self.text(problem) for problem in problems[:MAX_LISTED_PROBLEMS]]
        if len(problems) > MAX_LISTED_PROBLEMS:
            lines.append(self.text(_("… and {count} more problem(s).", count=len(problems) - MAX_LISTED_PROBLEMS)))
        return lines


async def refuse_on_domain_error(printer: Printer, work: Awaitable[T]) -> T:
    """Await `work`, turning a domain refusal into a CliError."""
    try:
        return await work
    except VillageError as error:
        raise printer.refusal(error) from None


def parse_moment(text: str, config: Config) -> datetime:
    """Parse a date or datetime typed at the command line, in the configured timezone."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CliError(_("Not a date or time: {text} (use e.g. 2026-11-01 or 2026-11-01T09:00).", text=text)) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=config.timezone)
