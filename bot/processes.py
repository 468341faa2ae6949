"""Running `hemei run` as a real process against the emulator: for the district demo (a leader and workers),
for tests that kill it like a crash would, and for the workers benchmark.

A process is started in two steps: `prepare` starts the interpreter and imports the bot (about two seconds
of CPU), `start` lets it run. A test prepares the processes it will need while it seeds its data or while an
earlier process runs, so a restart costs what the bot itself does at start, not the imports. Readiness is
awaited on the process's output as it arrives (a pipe, copied to `log`), not by polling the file.
"""

from __future__ import annotations

import asyncio
import codecs
import os
import signal
import socket
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.emulator import FakeBotApi

ROOT = Path(__file__).resolve().parents[1]
# The child imports the CLI (which imports the whole bot), then waits for the word to run `hemei <argv>`;
# a closed pipe instead (the test ended without starting it) ends it.
PRELOAD = ("import sys; from bot.cli import main; "
           "sys.exit(main(sys.argv[1:]) if sys.stdin.readline() == 'run\\n' else 0)")
# The same, for a child that must not outlive its parent (the demo's): Linux sends it SIGTERM when the parent
# dies, even by SIGKILL, when nothing else would stop it. The parent may have died before the request: checked.
PRELOAD_TIED = ("import ctypes, os, signal, sys; parent = int(sys.argv[1]); "
                "ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM) if sys.platform == 'linux' else None; "
                "os.getppid() == parent or sys.exit(0); "
                "from bot.cli import main; "
                "sys.exit(main(sys.argv[2:]) if sys.stdin.readline() == 'run\\n' else 0)")
CHUNK = 65536
START_SECONDS = 90  # a process's start (imports, migrations check) on a loaded machine


def write_config(folder: Path, api: FakeBotApi, db_url: str, *, max_in_flight: int = 8, log_level: str = "WARNING",
                 extra: Sequence[str] = (), telegram: Sequence[str] = (), outbox: Sequence[str] = (),
                 media_dir: Path | None = None) -> Path:
    """Write a config pointing the bot at the emulator and the database: fast rates, no quiet hours.

    `telegram` lines go into the [telegram] table (e.g. `mode = "webhook"`), `outbox` lines into [outbox],
    `extra` lines at the end. Media go to `media_dir` (processes sharing files need one), else beside the config.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.toml"
    path.write_text("\n".join([
        "[telegram]", f'token = "{api.token}"', f'base_url = "{api.base_url}"',
        f'base_file_url = "{api.base_file_url}"', f'bot_username = "{api.username}"', "max_per_second = 380",
        "chat_per_second = 1000", "chat_burst = 100",  # the emulator has no per-chat limit here
        *telegram,
        "[database]", f'url = "{db_url}"',
        "[media]", f'dir = "{media_dir or folder / "media"}"',
        "[outbox]", 'pacing = "budget"', f"max_in_flight = {max_in_flight}", *outbox,
        "[quiet_hours]", 'start = "00:00"', 'end = "00:00"',
        "[logging]", f'level = "{log_level}"',
        *extra,
    ]), encoding="utf-8")
    return path


class BotProcess:
    """`hemei run` in a child process, its output kept in `log` for when a test fails."""

    def __init__(self, config: Path, *, role: str = "all", tied: bool = False) -> None:
        """`tied`: the child stops when this process dies, however it dies (the demo's processes)."""
        self._config = config
        self._role = role
        self._tied = tied
        self.log = config.with_name("bot.log")
        self.process: asyncio.subprocess.Process | None = None
        self._output = ""
        self._changed = asyncio.Condition()
        self._reader: asyncio.Task[None] | None = None

    async def prepare(self) -> None:
        """Start the interpreter and import the bot, ready to run at `start` (once; `start` does it if not done)."""
        if self.process is not None:
            return
        preload = (PRELOAD_TIED, str(os.getpid())) if self._tied else (PRELOAD,)
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", *preload, "run", "--config", str(self._config), "--role", self._role,
            cwd=ROOT, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        self._reader = asyncio.create_task(self._copy_output())

    async def start(self) -> None:
        """Start the bot."""
        await self.prepare()
        assert self.process is not None
        assert self.process.stdin is not None
        self.process.stdin.write(b"run\n")
        await self.process.stdin.drain()
        self.process.stdin.close()

    async def wait_for_log(self, text: str, within: float = 60) -> None:
        """Wait until the process has logged `text`."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: text in self._output), within)

    async def wait(self, within: float = 60) -> int:
        """Wait until the process exits by itself and its output is in `log`; return its status."""
        assert self.process is not None
        status = await asyncio.wait_for(self.process.wait(), within)
        await self._finish()
        return status

    async def kill(self) -> None:
        """Kill it without warning, as a power cut or the OOM killer would."""
        await self._signal(signal.SIGKILL)

    async def terminate(self) -> None:
        """Ask it to stop gracefully."""
        await self._signal(signal.SIGTERM)

    @property
    def returncode(self) -> int | None:
        """The exit status, None while running."""
        return self.process.returncode if self.process else None

    async def _signal(self, sig: signal.Signals) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(sig)
            await asyncio.wait_for(self.process.wait(), 30)
        await self._finish()

    async def _finish(self) -> None:
        """Close the pipes and wait until all the output is copied (the process has exited)."""
        if self.process is not None and self.process.stdin is not None:
            self.process.stdin.close()
        if self._reader is not None:
            await asyncio.wait_for(self._reader, 30)

    async def _copy_output(self) -> None:
        assert self.process is not None
        assert self.process.stdout is not None
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")  # a chunk may end inside a character
        with self.log.open("ab") as log:
            while chunk := await self.process.stdout.read(CHUNK):
                log.write(chunk)
                log.flush()
                async with self._changed:
                    self._output += decoder.decode(chunk)
                    self._changed.notify_all()


@dataclass(frozen=True)
class Worker:
    """A `hemei run --role worker` process and the port it takes Telegram's posts on."""

    process: BotProcess
    port: int


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1 now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def webhook_worker(folder: Path, api: FakeBotApi, db_url: str, *, secret: str, concurrent: int = 1,
                   tied: bool = False, outbox: Sequence[str] = (), media_dir: Path | None = None) -> Worker:
    """Write the config of a worker in webhook mode on a free port of 127.0.0.1 (logging INFO); not started yet."""
    port = free_port()
    config = write_config(folder, api, db_url, log_level="INFO", outbox=outbox, media_dir=media_dir, telegram=[
        'mode = "webhook"', f"concurrent_updates = {concurrent}"], extra=[
        "[telegram.webhook]", 'listen = "127.0.0.1"', f"port = {port}", f'secret = "{secret}"'])
    return Worker(BotProcess(config, role="worker", tied=tied), port)


async def start_running(processes: Sequence[BotProcess], within: float = START_SECONDS) -> None:
    """Start the processes at once; return when each is running (stopping them all if one fails)."""
    try:
        await asyncio.gather(*(p.start() for p in processes))
        await asyncio.gather(*(p.wait_for_log("is running", within) for p in processes))
    except BaseException:
        await asyncio.gather(*(p.terminate() for p in processes), return_exceptions=True)
        raise
