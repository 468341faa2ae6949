"""Running `hemei run` as a real process against the in-test emulator, to kill it like a crash would."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from bot.emulator import FakeBotApi


def write_config(path: Path, api: FakeBotApi, db_url: str, **outbox: object) -> Path:
    """Write a config file pointing the bot at the emulator and the database."""
    extra = "".join(f"{key} = {value}\n" for key, value in outbox.items())
    path.write_text(
        f'[telegram]\ntoken = "{api.token}"\nbase_url = "{api.base_url}"\nbase_file_url = "{api.base_file_url}"\n'
        f"max_per_second = 1000\n\n[database]\nurl = \"{db_url}\"\n\n[outbox]\nrate_per_second = 500\n{extra}\n"
        '[logging]\nlevel = "WARNING"\n', encoding="utf-8")
    return path


class BotProcess:
    """`python -m bot run` in a child process."""

    def __init__(self, config: Path) -> None:
        self._config = config
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        """Start the bot."""
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--config", str(self._config),
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)

    async def kill(self) -> None:
        """Kill it without warning, as a power cut or the OOM killer would."""
        await self._signal(signal.SIGKILL)

    async def terminate(self) -> None:
        """Ask it to stop gracefully."""
        await self._signal(signal.SIGTERM)

    async def _signal(self, sig: signal.Signals) -> None:
        assert self.process is not None
        self.process.send_signal(sig)
        await asyncio.wait_for(self.process.wait(), 30)
