"""`hemei demo`: the real bot against the built-in emulator, on a generated dataset, in the terminal."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from bot.cli.common import USAGE_ERROR, Subparsers
from bot.demo.district import district_processes
from bot.demo.district_terminal import DistrictChat
from bot.demo.seeding import demo_database_problem, load_dataset
from bot.demo.terminal import DemoChat
from bot.demo.wechat_terminal import WechatDemoChat
from bot.emulator.harness import running_bot
from bot.i18n import Catalogs
from bot.wechat.fake.harness import running_wechat_bot
from handlers.texts import Content, _
from storage.database import sqlite_url
from village.clock import SystemClock
from village.settings import VillageSettings

# The demo runs at any hour and on a local emulator: no quiet hours holding notices back until
# morning, and a faster send rate so that a broadcast to hundreds of seeded accounts takes seconds.
DEMO_ENVIRONMENT = {
    "HEMEI_QUIET_HOURS__START": "00:00",
    "HEMEI_QUIET_HOURS__END": "00:00",
    "HEMEI_TELEGRAM__MAX_PER_SECOND": "200",  # the outbox takes whatever the demo's replies leave of it
}
MAX_WORKERS = 8  # each is a whole `hemei run` process on this machine


def register(subparsers: Subparsers) -> None:
    """Add `hemei demo`."""
    parser = subparsers.add_parser("demo", help="chat with the bot in the terminal; no token needed")
    parser.add_argument("--script", type=Path, help="read the lines to type from a file instead of the keyboard")
    parser.add_argument("--channel", choices=("telegram", "wechat"), default="telegram",
                        help="chat as a Telegram user (default) or as a WeChat follower, through a local fake")
    parser.add_argument("--keep", type=Path,
                        help="keep the demo database and received files in this folder (default: a temporary "
                             "folder, deleted when you leave)")
    parser.add_argument("--database", metavar="URL",
                        help="run as a district does: on this empty PostgreSQL database "
                             "(postgresql+asyncpg://...), with a leader and --workers webhook workers as processes")
    parser.add_argument("--workers", type=int, default=2, metavar="N",
                        help=f"with --database: how many workers take the updates in turn (default 2, at most "
                             f"{MAX_WORKERS})")
    parser.set_defaults(handler=_demo)


def _demo(args: argparse.Namespace) -> int:
    problem = _district_problem(args)
    if problem is not None:
        return _refuse(problem)
    source: TextIO = args.script.open(encoding="utf-8") if args.script else sys.stdin
    echo = args.script is not None or not sys.stdin.isatty()
    try:
        with _workspace(args.keep) as folder:
            if args.database:
                return asyncio.run(_chat_in_district(args.database, args.workers, folder, source, echo=echo))
            chat = _chat_on_wechat if args.channel == "wechat" else _chat_in
            return asyncio.run(chat(folder, source, echo=echo))
    except KeyboardInterrupt:
        return 0
    except _RefusedError as error:
        return _refuse(error.problem)
    finally:
        if args.script:
            source.close()


def _refuse(problem: Content) -> int:
    """Print the problem in the default language (the demo has no config) and return the usage error status."""
    locale = VillageSettings().locale
    print(Catalogs.load(locale).text(problem, locale), file=sys.stderr)
    return USAGE_ERROR


class _RefusedError(Exception):
    """The district demo cannot use the database it was given."""

    def __init__(self, problem: Content) -> None:
        super().__init__(problem)
        self.problem = problem


def _district_problem(args: argparse.Namespace) -> Content | None:
    """Return what is wrong with the district options, before anything starts."""
    if args.database is None:
        return None
    if not args.database.startswith("postgresql"):
        return _("The workers and the leader share one PostgreSQL database: --database "
                 "postgresql+asyncpg://USER@HOST/NAME (without --database the demo runs on SQLite).")
    if args.channel != "telegram":
        return _("The demo with workers chats on Telegram: leave out --channel.")
    if not 1 <= args.workers <= MAX_WORKERS:
        return _("--workers takes 1 to {most}.", most=MAX_WORKERS)
    return None


@contextmanager
def _workspace(keep: Path | None) -> Iterator[Path]:
    """Yield the folder for the database and received files: `keep`, or a temporary one removed afterwards."""
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        print(f"The demo keeps its database and the files the bot sends in {keep}.", flush=True)
        yield keep
        return
    with tempfile.TemporaryDirectory(prefix="hemei-demo-") as folder:
        print(f"The demo works in {folder}, deleted when you leave (--keep DIR keeps it).", flush=True)
        yield Path(folder)


async def _chat_in(folder: Path, source: TextIO, *, echo: bool) -> int:
    url = sqlite_url(str(folder / "demo.db"))
    print("Preparing the demo database ...", flush=True)
    started = time.monotonic()
    await load_dataset(url)
    print(f"2 villages, 1,000 households loaded in {time.monotonic() - started:.1f}s.", flush=True)
    environ = {"HEMEI_MEDIA__DIR": str(folder / "media"), **DEMO_ENVIRONMENT}
    async with running_bot(url, environ=environ, timed_jobs=True) as harness:
        chat = DemoChat(harness, lambda text: print(text, flush=True), received=folder / "received")
        chat.welcome()
        while True:
            line = await _next_line(source, echo)
            if line is None or not await chat.handle(line):
                break
    print("Bye! 再见！")
    return 0


async def _chat_on_wechat(folder: Path, source: TextIO, *, echo: bool) -> int:
    url = sqlite_url(str(folder / "demo.db"))
    print("Preparing the demo database ...", flush=True)
    started = time.monotonic()
    await load_dataset(url)
    print(f"2 villages, 1,000 households loaded in {time.monotonic() - started:.1f}s.", flush=True)
    environ = {"HEMEI_MEDIA__DIR": str(folder / "media"), **DEMO_ENVIRONMENT, **local_pages_environ()}
    async with running_wechat_bot(url, clock=SystemClock(), environ=environ) as harness:
        chat = WechatDemoChat(harness, lambda text: print(text, flush=True))
        chat.welcome()
        while True:
            line = await _next_line(source, echo)
            if line is None or not await chat.handle(line):
                break
    print("Bye! 再见！")
    return 0


async def _chat_in_district(url: str, workers: int, folder: Path, source: TextIO, *, echo: bool) -> int:
    problem = await demo_database_problem(url)
    if problem is not None:
        raise _RefusedError(problem)
    async with district_processes(url, folder, workers) as district:  # the processes import the bot meanwhile
        print("Preparing the demo database ...", flush=True)
        started = time.monotonic()
        seeded = await load_dataset(url)
        print(f"2 villages, 1,000 households {'loaded' if seeded else 'found'} in {time.monotonic() - started:.1f}s.",
              flush=True)
        print(f"Starting a leader and {workers} worker(s) (`hemei run --role leader|worker`; logs in "
              f"{folder}/*/bot.log) ...", flush=True)
        started = time.monotonic()
        await district.start()
        print(f"Running in {time.monotonic() - started:.1f}s:", flush=True)
        print("\n".join(district.status()), flush=True)
        print("Each update goes to the next running worker, as the reverse proxy does; :workers shows which "
              "answered, :kill N kills one.", flush=True)
        chat = DistrictChat(district, lambda text: print(text, flush=True), received=folder / "received")
        chat.welcome()
        while True:
            line = await _next_line(source, echo)
            if line is None or not await chat.handle(line):
                break
    print("Every process stopped. Bye! 再见！")
    return 0


def local_pages_environ() -> dict[str, str]:
    """Return settings that serve the callback, and with it the WeChat pages, on a fixed local port.

    WeChat cannot send files: a file (a meeting's .ics) goes out as a link to a download page, which needs a
    public address known before the server starts. In the demo that is this machine: the link opens in a browser.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return {"HEMEI_WECHAT__PORT": str(port), "HEMEI_WECHAT__PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}


async def _next_line(source: TextIO, echo: bool) -> str | None:
    """Read the next line in a thread of its own, a daemon: after Ctrl-C the demo stops its processes and ends
    at once, instead of waiting for the terminal's next line as a pool thread blocked in input() would make it."""
    loop = asyncio.get_running_loop()
    line: asyncio.Future[str | None] = loop.create_future()

    def read() -> None:
        result: str | None = None
        error: Exception | None = None
        try:
            result = _read_line(source, echo)
        except Exception as problem:  # handed to the waiting coroutine
            error = problem
        with contextlib.suppress(RuntimeError):  # the loop is closed: the demo is over
            loop.call_soon_threadsafe(_settle, line, result, error)

    threading.Thread(target=read, name="demo-input", daemon=True).start()
    return await line


def _settle(future: asyncio.Future[str | None], result: str | None, error: BaseException | None) -> None:
    if future.done():  # the demo stopped waiting (Ctrl-C)
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


def _read_line(source: TextIO, echo: bool) -> str | None:
    if source is sys.stdin and not echo:
        try:
            return input("> ")
        except EOFError:
            return None
    line = source.readline()
    if not line:
        return None
    print(f"> {line.rstrip()}", flush=True)
    return line
