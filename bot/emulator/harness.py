"""The real bot running against the emulator, in this process: for the demo and end-to-end tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.app import Runtime, build_runtime
from bot.config import Config, load_config
from bot.emulator.api import FakeBotApi
from bot.emulator.driver import Driver
from village.clock import Clock


@dataclass
class Harness:
    """The emulator, the bot runtime, and a driver acting as people."""

    api: FakeBotApi
    runtime: Runtime
    config: Config
    clock: Clock | None
    timed_jobs: bool = False

    @property
    def tg(self) -> Driver:
        """Return a driver bound to the current runtime (it changes on restart)."""
        return Driver(self.api, self.runtime.tracker.wait_for, self.runtime.settle)

    async def run_job(self, name: str) -> str:
        """Run a scheduled job now, send what it queued, and return its summary (the demo's `:job`)."""
        summary = await self.runtime.scheduler.run(name, self.runtime.clock.now())
        await self.runtime.dispatcher.drain()
        return summary

    async def restart(self) -> None:
        """Stop the bot gracefully and start a fresh process-equivalent on the same database."""
        await self.runtime.stop()
        self.runtime = build_runtime(self.config, clock=self.clock)
        await self.runtime.start(timed_jobs=self.timed_jobs)


def emulator_config(api: FakeBotApi, database_url: str, environ: Mapping[str, str] | None = None) -> Config:
    """Return a config that points the bot at the emulator and the given database."""
    return load_config(None, {
        "HEMEI_TELEGRAM__TOKEN": api.token,
        "HEMEI_TELEGRAM__BASE_URL": api.base_url,
        "HEMEI_TELEGRAM__BASE_FILE_URL": api.base_file_url,
        "HEMEI_TELEGRAM__BOT_USERNAME": api.username,
        "HEMEI_DATABASE__URL": database_url,
        # The emulator has no per-chat limit unless a test sets one (`api.chat_limit`); such a test
        # gives the bot Telegram's figures too. Otherwise a person's queued messages need not wait.
        "HEMEI_TELEGRAM__CHAT_PER_SECOND": "1000",
        "HEMEI_TELEGRAM__CHAT_BURST": "100",
        **(environ or {}),
    })


@asynccontextmanager
async def running_bot(database_url: str, *, clock: Clock | None = None, environ: Mapping[str, str] | None = None,
                      timed_jobs: bool = False) -> AsyncIterator[Harness]:
    """Start the emulator and the bot; stop both afterwards.

    Jobs fire on the wall clock only with `timed_jobs` (the demo): tests run them at the time they choose.
    """
    api = FakeBotApi()
    await api.start()
    config = emulator_config(api, database_url, environ)
    harness = Harness(api, build_runtime(config, clock=clock), config, clock, timed_jobs)
    try:
        await harness.runtime.start(timed_jobs=timed_jobs)
        yield harness
    finally:
        await harness.runtime.stop()
        await api.stop()
