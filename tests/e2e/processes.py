"""Running `hemei run` as a real process against the in-test emulator, to kill it like a crash would."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.emulator import FakeBotApi

ROOT = Path(__file__).resolve().parents[2]
LOG_POLL_SECONDS = 0.1


def write_config(folder: Path, api: FakeBotApi, db_url: str, *, max_in_flight: int = 8, log_level: str = "WARNING",
                 extra: Sequence[str] = (), telegram: Sequence[str] = ()) -> Path:
    """Write a config pointing the bot at the emulator and the database: fast rates, no quiet hours.

    `telegram` lines go into the [telegram] table (e.g. `mode = "webhook"`), `extra` lines at the end.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.toml"
    path.write_text("\n".join([
        "[telegram]", f'token = "{api.token}"', f'base_url = "{api.base_url}"',
        f'base_file_url = "{api.base_file_url}"', f'bot_username = "{api.username}"', "max_per_second = 380",
        "chat_per_second = 1000", "chat_burst = 100",  # the emulator has no per-chat limit here
        *telegram,
        "[database]", f'url = "{db_url}"',
        "[media]", f'dir = "{folder / "media"}"',
        "[outbox]", 'pacing = "budget"', f"max_in_flight = {max_in_flight}",
        "[quiet_hours]", 'start = "00:00"', 'end = "00:00"',
        "[logging]", f'level = "{log_level}"',
        *extra,
    ]), encoding="utf-8")
    return path


class BotProcess:
    """`python -m bot run` in a child process, its output kept in `log` for when a test fails."""

    def __init__(self, config: Path, *, role: str = "all") -> None:
        self._config = config
        self._role = role
        self.log = config.with_name("bot.log")
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        """Start the bot."""
        with self.log.open("ab") as output:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", "--config", str(self._config), "--role", self._role,
                cwd=ROOT, stdout=output, stderr=output)

    async def wait_for_log(self, text: str, within: float = 60) -> None:
        """Wait until the process has logged `text` (another process: nothing to be signalled by but its log)."""
        async def poll() -> None:
            while not self.log.exists() or text not in self.log.read_text(encoding="utf-8"):  # noqa: ASYNC110 (a file)
                await asyncio.sleep(LOG_POLL_SECONDS)
        await asyncio.wait_for(poll(), within)

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
