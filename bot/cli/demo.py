"""`hemei demo`: the real bot against the built-in emulator, on a generated dataset, in the terminal."""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from bot.cli.common import Subparsers
from bot.demo.dataset import FAMILY_PERSONA, PERSONA_ID_BASE, demo_roster
from bot.demo.seed_care import seed_care
from bot.demo.seed_consultation import seed_consultation
from bot.demo.seed_convention import seed_convention
from bot.demo.seed_family import seed_family
from bot.demo.seed_notices import seed_notices
from bot.demo.seed_reports import seed_reports
from bot.demo.terminal import DemoChat
from bot.demo.wechat_terminal import WechatDemoChat
from bot.emulator.harness import running_bot
from bot.wechat.fake.harness import running_wechat_bot
from storage.database import Database, sqlite_url
from storage.migrate import upgrade
from village.clock import SystemClock
from village.people import Actor
from village.services import Services
from village.settings import VillageSettings

# The demo runs at any hour and on a local emulator: no quiet hours holding notices back until
# morning, and a faster send rate so that a broadcast to hundreds of seeded accounts takes seconds.
DEMO_ENVIRONMENT = {
    "HEMEI_QUIET_HOURS__START": "00:00",
    "HEMEI_QUIET_HOURS__END": "00:00",
    "HEMEI_TELEGRAM__MAX_PER_SECOND": "200",  # the outbox takes whatever the demo's replies leave of it
}


def register(subparsers: Subparsers) -> None:
    """Add `hemei demo`."""
    parser = subparsers.add_parser("demo", help="chat with the bot in the terminal; no token needed")
    parser.add_argument("--script", type=Path, help="read the lines to type from a file instead of the keyboard")
    parser.add_argument("--channel", choices=("telegram", "wechat"), default="telegram",
                        help="chat as a Telegram user (default) or as a WeChat follower, through a local fake")
    parser.add_argument("--keep", type=Path,
                        help="keep the demo database and received files in this folder (default: a temporary "
                             "folder, deleted when you leave)")
    parser.set_defaults(handler=_demo)


def _demo(args: argparse.Namespace) -> int:
    source: TextIO = args.script.open(encoding="utf-8") if args.script else sys.stdin
    echo = args.script is not None or not sys.stdin.isatty()
    try:
        with _workspace(args.keep) as folder:
            chat = _chat_on_wechat if args.channel == "wechat" else _chat_in
            return asyncio.run(chat(folder, source, echo=echo))
    except KeyboardInterrupt:
        return 0
    finally:
        if args.script:
            source.close()


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
    await _load_dataset(url)
    print(f"2 villages, 1,000 households loaded in {time.monotonic() - started:.1f}s.", flush=True)
    environ = {"HEMEI_MEDIA__DIR": str(folder / "media"), **DEMO_ENVIRONMENT}
    async with running_bot(url, environ=environ, timed_jobs=True) as harness:
        chat = DemoChat(harness, lambda text: print(text, flush=True), received=folder / "received")
        chat.welcome()
        while True:
            line = await asyncio.to_thread(_read_line, source, echo)
            if line is None or not await chat.handle(line):
                break
    print("Bye! 再见！")
    return 0


async def _chat_on_wechat(folder: Path, source: TextIO, *, echo: bool) -> int:
    url = sqlite_url(str(folder / "demo.db"))
    print("Preparing the demo database ...", flush=True)
    started = time.monotonic()
    await _load_dataset(url)
    print(f"2 villages, 1,000 households loaded in {time.monotonic() - started:.1f}s.", flush=True)
    environ = {"HEMEI_MEDIA__DIR": str(folder / "media"), **DEMO_ENVIRONMENT, **local_pages_environ()}
    async with running_wechat_bot(url, clock=SystemClock(), environ=environ) as harness:
        chat = WechatDemoChat(harness, lambda text: print(text, flush=True))
        chat.welcome()
        while True:
            line = await asyncio.to_thread(_read_line, source, echo)
            if line is None or not await chat.handle(line):
                break
    print("Bye! 再见！")
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


async def _load_dataset(url: str) -> None:
    await upgrade(url)
    database = Database.open(url)
    try:
        async with database.transaction() as store:
            services = Services(store, SystemClock(), VillageSettings())
            fresh = not await store.places.villages()
            if fresh:
                await services.roster.import_table(Actor.operator("demo"), demo_roster())
                await seed_convention(services, Actor.operator("demo"))
                await seed_reports(services)
                await seed_consultation(store, services.clock.now(), services.settings)
                await seed_care(store, services.clock.now(), services.settings)
                await seed_family(services, str(PERSONA_ID_BASE + FAMILY_PERSONA))
        if fresh:
            await seed_notices(database, SystemClock(), VillageSettings())
    finally:
        await database.close()


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
