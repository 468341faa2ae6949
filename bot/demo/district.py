"""The demo as a district runs it: one leader and webhook workers, real `hemei run` processes, on PostgreSQL.

The emulator plays Telegram and the reverse proxy of deploy/nginx-hemei.conf: each update is posted to the next
running worker in turn (round robin), and to the one after when a worker does not take the connection (nginx's
`proxy_next_upstream error`). A worker answers the post at once and handles the update after, so the demo waits
until that worker's `hemei_updates_total` (its /metrics) has counted it: by then its direct replies are sent.
Whatever it queued for others (a grid worker's notice of a new report) the leader sends from the outbox, and the
demo waits until nothing due is left unsent. The leader also runs the scheduled jobs on the wall clock.

Every process is stopped when the demo ends, however it ends; the processes are tied to the demo's life too
(bot/processes.py), so that not even a killed demo leaves one behind.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import secrets
import time
from collections import deque
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bot.config import load_config
from bot.emulator import Driver, FakeBotApi
from bot.processes import BotProcess, Worker, start_running, webhook_worker, write_config
from bot.scheduler import standalone_scheduler
from bot.webhook import SECRET_HEADER
from storage.database import Database
from village.clock import SystemClock

log = logging.getLogger(__name__)

# The leader looks for rows the workers queued this often (the default, 1 s, would make each notice wait).
OUTBOX_LINES = ["poll_seconds = 0.1"]
HANDLED_SECONDS = 30  # a worker that has not handled an update by then is reported, and the chat goes on
SETTLE_SECONDS = 60  # a broadcast to a village takes seconds at the demo's rates
LOOK_EVERY = 0.05  # seconds between looks at a worker's count or at the outbox
RECENT = 12  # deliveries `:workers` lists
STOP_SECONDS = 15  # a process's graceful stop, before it is killed


class NoWorkerLeftError(Exception):
    """Every worker is down: nobody takes Telegram's posts (the proxy would answer 502)."""


@dataclass
class Delivery:
    """An update posted to a worker."""

    update_id: int
    worker: int  # 1-based, as `:workers` numbers them
    at: float
    handled: bool = False


@dataclass
class RoundRobin:
    """Posts each update to the next running worker, as the reverse proxy does, and waits until it is handled."""

    api: FakeBotApi
    workers: Sequence[Worker]
    secret: str
    client: httpx.AsyncClient
    down: set[int] = field(default_factory=set)  # indexes of workers that refused a connection or were killed
    recent: deque[Delivery] = field(default_factory=lambda: deque(maxlen=RECENT))
    _turn: itertools.count[int] = field(default_factory=itertools.count)

    async def deliver(self, update_id: int) -> None:
        """Post the queued update `update_id` to a worker and return when that worker has handled it."""
        update = self.api.take(update_id)
        for _ in range(len(self.workers)):
            index = next(self._turn) % len(self.workers)
            if index in self.down:
                continue
            worker = self.workers[index]
            try:
                before = await self._handled(worker)
                answer = await self.client.post(f"http://127.0.0.1:{worker.port}/telegram", json=update,
                                                headers={SECRET_HEADER: self.secret})
            except httpx.TransportError:  # not listening: dead, as nginx finds out, so the next one gets it
                self.down.add(index)
                continue
            answer.raise_for_status()
            delivery = Delivery(update_id, index + 1, time.monotonic())
            self.recent.append(delivery)
            delivery.handled = await self._wait_handled(index, before)
            return
        raise NoWorkerLeftError()

    async def _handled(self, worker: Worker) -> float:
        """Return how many updates the worker has handled, from its /metrics."""
        page = await self.client.get(f"http://127.0.0.1:{worker.port}/metrics")
        page.raise_for_status()
        return sum(sample.value for family in text_string_to_metric_families(page.text)
                   for sample in family.samples if sample.name == "hemei_updates_total")

    async def _wait_handled(self, index: int, before: float) -> bool:
        """Wait until worker `index` has counted one more update; False when it died or took too long."""
        worker = self.workers[index]
        try:
            async with asyncio.timeout(HANDLED_SECONDS):
                while True:  # another process: nothing to wake us but looking again
                    if await self._handled(worker) > before:
                        return True
                    await asyncio.sleep(LOOK_EVERY)
        except httpx.TransportError:
            self.down.add(index)  # died while handling it: Telegram would not post it again (it was taken)
            return False
        except TimeoutError:
            log.warning("worker %s has not handled update in %s s", index + 1, HANDLED_SECONDS)
            return False


@dataclass
class District:
    """The emulator, a leader and workers on one PostgreSQL database, acting for the demo's terminal."""

    api: FakeBotApi
    leader: BotProcess
    workers: list[Worker]
    proxy: RoundRobin
    database: Database
    config_path: Path
    killed: set[int] = field(default_factory=set)

    @property
    def tg(self) -> Driver:
        """Return a driver posting through the proxy, each action returning when the bot has answered."""
        return Driver(self.api, self.proxy.deliver, self.settle)

    async def start(self) -> None:
        """Start the leader and the workers; return when each is running."""
        await start_running([self.leader, *(w.process for w in self.workers)])

    async def settle(self, within: float = SETTLE_SECONDS) -> None:
        """Wait until the leader has sent every message due (the notices a step queued for others)."""
        clock = SystemClock()
        try:
            async with asyncio.timeout(within):
                while True:
                    async with self.database.transaction() as store:
                        if not await store.outbox.unsent(clock.now()):
                            return
                    await asyncio.sleep(LOOK_EVERY)
        except TimeoutError:
            log.warning("the leader has not sent everything due within %s s", within)

    async def run_job(self, name: str) -> str:
        """Run a scheduled job now on the shared database, as `hemei jobs run` does; the leader sends what it
        queued."""
        config = load_config(self.config_path, {})
        summary = await standalone_scheduler(config, self.database, SystemClock()).run(name, SystemClock().now())
        await self.settle()
        return summary

    async def kill(self, number: int) -> None:
        """Kill worker `number` (1-based) without warning, as a crash would; the proxy skips it from now on."""
        await self.workers[number - 1].process.kill()
        self.killed.add(number)
        self.proxy.down.add(number - 1)

    def status(self) -> list[str]:
        """Return a line per process and the recent deliveries, for `:workers`."""
        now = time.monotonic()
        lines = [f"  leader    pid {_pid(self.leader):<8} {_state(self.leader, False)}"
                 "  (sends the outbox, runs the scheduled jobs)"]
        for number, worker in enumerate(self.workers, start=1):
            answered = [d for d in self.proxy.recent if d.worker == number]
            last = f", last {now - answered[-1].at:.0f} s ago" if answered else ""
            lines.append(f"  worker {number}  pid {_pid(worker.process):<8} "
                         f"{_state(worker.process, number in self.killed):<8} 127.0.0.1:{worker.port}  "
                         f"{len(answered)} of the last {len(self.proxy.recent)} updates{last}")
        if self.proxy.recent:
            lines.append("  recent updates → worker: " + "  ".join(
                f"{d.update_id % 10_000}→{d.worker}{'' if d.handled else '?'}" for d in self.proxy.recent))
        return lines


def _pid(process: BotProcess) -> int:
    return process.process.pid if process.process is not None else 0


def _state(process: BotProcess, killed: bool) -> str:
    if killed:
        return "killed"
    return "running" if process.returncode is None else f"exited ({process.returncode})"


@asynccontextmanager
async def district_processes(url: str, folder: Path, count: int) -> AsyncIterator[District]:
    """Start the emulator and prepare a leader and `count` workers (their interpreters import the bot meanwhile);
    `District.start` lets them run. Every process is stopped on leaving, however the demo leaves."""
    api = FakeBotApi()
    await api.start()
    secret = secrets.token_urlsafe(32)  # webhook mode wants one; this run's own
    media = folder / "media"  # one folder: workers keep the files people send, the leader uploads from it
    leader_config = write_config(folder / "leader", api, url, log_level="INFO", outbox=OUTBOX_LINES, media_dir=media)
    leader = BotProcess(leader_config, role="leader", tied=True)
    workers = [webhook_worker(folder / f"worker{n}", api, url, secret=secret, tied=True, outbox=OUTBOX_LINES,
                              media_dir=media) for n in range(1, count + 1)]
    processes = [leader, *(w.process for w in workers)]
    database = Database.open(url)
    try:
        async with httpx.AsyncClient(timeout=HANDLED_SECONDS) as client:
            await asyncio.gather(*(p.prepare() for p in processes))
            yield District(api, leader, workers, RoundRobin(api, workers, secret, client), database, leader_config)
    finally:
        await asyncio.gather(*(_stop(p) for p in processes), return_exceptions=True)
        await database.close()
        await api.stop()


async def _stop(process: BotProcess) -> None:
    """Stop a process gracefully, or kill it when it takes too long."""
    try:
        async with asyncio.timeout(STOP_SECONDS):
            await process.terminate()
    except TimeoutError:
        await process.kill()
