"""WeChat callbacks at a steady rate against real processes: N callback workers and a leader, the pusher apart.

    python -m bench.wechat_workers [--rate 100] [--seconds 10] [--residents 100] [--workers 2]
                                   [--database postgres|sqlite|both] [--postgres URL] [--logs DIR] [--profile]
                                   [--smoke]

Processes, as in a deployment: `hemei run --role worker` × N, each serving the callback on its own port (the
pusher picks the worker by a hash of the person's OpenID, as a reverse proxy hashing on `$arg_openid` would, so
one person's pushes reach one worker in order), and one `hemei run --role leader` sending the customer-service
messages of the pushes that answered `success`. The pusher (`bench.wechat_pusher`) signs and encrypts like
WeChat, in its own process; this process runs the fake WeChat's API (tokens, photo downloads, custom sends).
The floor is N bare echo callbacks with the same crypto, pushed the same way in the same run.

Printed: p50/p99/max of the wait for the passive reply, the `success` fallbacks, pushes unanswered within
WeChat's 5 s, steps not done after the drain; CPU per process group from /proc, and whether the machine's
cores were the limit.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bench.wechat_callbacks import PHOTO, images_in, open_id, prepare
from bench.wechat_pusher import Job
from bench.workers import BUSY_SHARE, CORES, CpuMeter, cpu_seconds
from bot.processes import ROOT, BotProcess, free_port
from bot.wechat.fake import FakeWechat
from bot.wechat.fake.harness import FAKE_AES_KEY, FAKE_TOKEN
from storage.database import Database, sqlite_url
from storage.tables import outbox, wechat_inbound
from village.clock import SystemClock
from village.outbox import OutboxStatus

START_SECONDS = 90  # a process's start on a loaded machine
DRAIN_PATIENCE_SECONDS = 120.0  # how long to wait for the workers' drains to finish what was left pending
POOL_SIZE = 10  # per worker: steps at once = pool - 2 (bot/wechat/endpoint.py)


def worker_config(folder: Path, fake: FakeWechat, url: str, port: int, *, pool: int = POOL_SIZE) -> Path:
    """Write a WeChat-only config (no Telegram) for one process pointing at the fake WeChat."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.toml"
    path.write_text("\n".join([
        "[wechat]", f'app_id = "{fake.app_id}"', f'app_secret = "{fake.app_secret}"', f'token = "{FAKE_TOKEN}"',
        f'encoding_aes_key = "{FAKE_AES_KEY}"', f'base_url = "{fake.base_url}"', 'listen = "127.0.0.1"',
        f"port = {port}",
        "[database]", f'url = "{url}"', f"pool_size = {pool}", "max_overflow = 0",
        "[media]", f'dir = "{folder.parent / "media"}"',
        "[outbox]", "max_in_flight = 16",
        "[quiet_hours]", 'start = "00:00"', 'end = "00:00"', "[logging]", 'level = "WARNING"',
    ]), encoding="utf-8")
    return path


class Echoes:
    """N bare echo callbacks, each a process of its own."""

    def __init__(self, count: int) -> None:
        self.ports = [free_port() for _ in range(count)]
        self.processes: list[asyncio.subprocess.Process] = []

    async def __aenter__(self) -> Echoes:
        for port in self.ports:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bench.wechat_pusher", "echo", str(port), cwd=ROOT,
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
            self.processes.append(process)
        for process in self.processes:
            assert process.stdout is not None
            async with asyncio.timeout(START_SECONDS):
                await process.stdout.readline()  # "echo is running"
        return self

    async def __aexit__(self, *_: object) -> None:
        for process in self.processes:
            assert process.stdin is not None
            process.stdin.close()
        for process in self.processes:
            async with asyncio.timeout(30):
                await process.wait()


def database_backends(url: str) -> list[int]:
    """Return the PostgreSQL server processes serving the benchmark's database (visible when the server runs on
    this machine): their CPU is the database's share; none on SQLite (it runs inside the workers)."""
    name = make_url(url).database or "" if url.startswith("postgresql") else ""
    if not name:
        return []
    found = []
    for entry in Path("/proc").iterdir():
        try:
            title = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if title.startswith("postgres: ") and f" {name} " in title:
            found.append(int(entry.name))
    return found


async def keep_windows_open(fake: FakeWechat, residents: int) -> None:
    """Each push opens the person's customer-service window at WeChat; the pusher is another process, so the
    fake hears of it here (every half second) rather than from the push itself."""
    while True:
        for number in range(residents):
            fake.has_written(open_id(number))
        await asyncio.sleep(0.5)


async def run_pusher(job: Job, meter_pids: dict[str, list[int]],
                     url: str = "") -> tuple[dict[str, Any], dict[str, float]]:
    """Run the pusher process on `job`; return its figures and the CPU shares of the groups meanwhile."""
    backends_before = {pid: cpu_seconds(pid) for pid in database_backends(url)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.wechat_pusher", "push", cwd=ROOT,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
    assert process.stdin is not None
    process.stdin.write(json.dumps(asdict(job)).encode())
    process.stdin.close()
    meter = CpuMeter({**meter_pids, "fake WeChat": [os.getpid()]})
    output, _ = await process.communicate()
    cpu = meter.shares()
    if process.returncode:
        raise RuntimeError(f"the pusher failed ({process.returncode})")
    figures = json.loads(output.decode().splitlines()[-1])
    # The pusher has exited by now: it measured its own CPU (the rest of "other" is the database and other work).
    cpu["pusher"] = figures.pop("cpu_percent")
    cpu["database and other"] = round(max(cpu["database and other"] - cpu["pusher"], 0.0), 1)
    if url.startswith("postgresql"):  # backends opened during the run count from 0
        used = sum(cpu_seconds(pid) - backends_before.get(pid, 0.0) for pid in database_backends(url))
        cpu["postgres backends"] = round(used / max(figures["elapsed_s"], 1e-9) * 100, 1)
    return figures, cpu


async def inbound_counts(url: str) -> dict[str, int]:
    """Return the pushes by status, and under "outbox" the messages not sent yet (pending or being sent)."""
    database = Database.open(url)
    try:
        async with database.connection() as connection:
            rows = (await connection.execute(select(wechat_inbound.c.status, func.count())
                                             .group_by(wechat_inbound.c.status))).all()
            unsent = (await connection.execute(select(func.count()).select_from(outbox).where(
                outbox.c.status.in_((OutboxStatus.PENDING.value, OutboxStatus.SENDING.value))))).scalar_one()
            return {**{str(status): int(count) for status, count in rows}, "outbox": int(unsent)}
    finally:
        await database.close()


async def wait_for_drain(url: str) -> tuple[dict[str, int], float]:
    """Wait until no push is pending (the workers' drains run what was left) and the leader has sent the
    customer-service messages; return the counts and the wait."""
    started = time.perf_counter()
    while True:
        counts = await inbound_counts(url)
        waited = time.perf_counter() - started
        if not (counts.get("pending") or counts["outbox"]) or waited > DRAIN_PATIENCE_SECONDS:
            return counts, round(waited, 1)
        await asyncio.sleep(0.5)


async def measure(url: str, args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    """One database: the echoes, then the workers and the leader, at the same rate and mix."""
    await prepare(url, args.residents)
    clock = SystemClock()
    fake = FakeWechat(clock)
    await fake.start()
    for number in range(args.residents):  # their own messages opened the window (the pusher runs elsewhere)
        fake.has_written(open_id(number))
    found: dict[str, Any] = {"database": url.split(":", 1)[0].split("+")[0], "workers": args.workers,
                             "rate_per_second": args.rate, "seconds": args.seconds, "residents": args.residents}
    try:
        async with Echoes(args.workers) as echoes:
            job = Job([f"http://127.0.0.1:{p}/wechat" for p in echoes.ports], args.rate, args.seconds,
                      args.residents, [fake.world.add_media("image", PHOTO, clock.now())
                                       for _ in range(images_in(args.rate, args.seconds, args.residents))])
            found["echo"], found["echo_cpu"] = await run_pusher(job, {"echoes": [p.pid for p in echoes.processes]})
        found["hemei"], found["hemei_cpu"], found["inbound"] = await hemei(url, args, fake, folder)
    finally:
        await fake.stop()
    hemei_run = found["hemei"]
    hemei_run["sent_by_customer_service"] = sum(len(fake.sent_to(open_id(n))) for n in range(args.residents))
    pushed = hemei_run["callbacks"] + hemei_run["warm_up"]
    hemei_run["steps_not_done"] = pushed - found["inbound"]["counts"].get("done", 0)
    hemei_run["steps_failed"] = found["inbound"]["counts"].get("failed", 0)
    found["p50_vs_echo"] = round(hemei_run["p50_ms"] / max(found["echo"]["p50_ms"], 0.1), 2)
    found["p99_vs_echo"] = round(hemei_run["p99_ms"] / max(found["echo"]["p99_ms"], 0.1), 2)
    cpu = found["hemei_cpu"]
    found["limit"] = "cores" if cpu["machine"] >= BUSY_SHARE * CORES * 100 else "not the cores"
    found["load_average"] = [round(x, 2) for x in os.getloadavg()]
    return found


async def hemei(url: str, args: argparse.Namespace, fake: FakeWechat,
                folder: Path) -> tuple[dict[str, Any], dict[str, float], dict[str, Any]]:
    ports = [free_port() for _ in range(args.workers)]
    workers = [BotProcess(worker_config(folder / f"worker{n}", fake, url, port), role="worker")
               for n, port in enumerate(ports)]
    leader = BotProcess(worker_config(folder / "leader", fake, url, free_port()), role="leader")
    processes = [leader, *workers]
    try:
        await asyncio.gather(*(p.start() for p in processes))
        async with asyncio.timeout(START_SECONDS):  # logs are at WARNING (INFO would log each request): poll
            await asyncio.gather(*(listening(port) for port in ports))
        job = Job([f"http://127.0.0.1:{p}/wechat" for p in ports], args.rate, args.seconds, args.residents,
                  [fake.world.add_media("image", PHOTO, fake.clock.now())
                   for _ in range(images_in(args.rate, args.seconds, args.residents))])
        pids = {"workers": [_pid(w) for w in workers], "leader": [_pid(leader)]}
        spent = {name: sum(cpu_seconds(pid) for pid in group) for name, group in pids.items()}
        spent["database"] = sum(cpu_seconds(pid) for pid in database_backends(url))
        profiler = await _profile(_pid(workers[0]), args, folder) if args.profile else None
        windows = asyncio.create_task(keep_windows_open(fake, args.residents))
        try:
            figures, cpu = await run_pusher(job, pids, url)
        finally:
            windows.cancel()
        if profiler is not None:
            await profiler.wait()
        counts, drained = await wait_for_drain(url)
        # CPU per push handled (done), from the first push until the drains and the outbox are done: what the
        # machine's load changes least (backends opened meanwhile count from 0)
        now = {name: sum(cpu_seconds(pid) for pid in group) for name, group in pids.items()}
        now["database"] = sum(cpu_seconds(pid) for pid in database_backends(url))
        for name, used in now.items():
            if name != "database" or url.startswith("postgresql"):
                figures[f"{name}_cpu_ms_per_push"] = round((used - spent[name]) / max(counts.get("done", 0), 1)
                                                           * 1000, 1)
        return figures, cpu, {"counts": counts, "drained_after_s": drained}
    finally:
        await asyncio.gather(*(_stop(p) for p in processes))


async def listening(port: int) -> None:
    """Return once something accepts connections on the port."""
    while True:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.2)
            continue
        writer.close()
        return


async def _profile(pid: int, args: argparse.Namespace, folder: Path) -> asyncio.subprocess.Process:
    """Sample the first worker with py-spy while the pusher runs (`--profile`: py-spy must be installed)."""
    return await asyncio.create_subprocess_exec(
        "py-spy", "record", "--pid", str(pid), "--duration", str(int(args.seconds)), "--rate", "200", "--format",
        "raw", "--nonblocking", "--output", str(folder / "worker0.profile.txt"), stdout=asyncio.subprocess.DEVNULL)


def _pid(process: BotProcess) -> int:
    assert process.process is not None
    return process.process.pid


async def _stop(process: BotProcess) -> None:
    try:
        await process.terminate()
    except TimeoutError:
        await process.kill()


async def on_postgres(server: str, args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    """Measure on a fresh PostgreSQL database, dropped afterwards."""
    from bench.district import _admin  # the district benchmark owns the database plumbing

    name = f"hemei_wechat_{os.getpid()}"
    await _admin(server, f'CREATE DATABASE "{name}"')
    try:
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
        return await measure(url, args, folder / "postgres")
    finally:
        await _admin(server, f'DROP DATABASE "{name}" WITH (FORCE)')


def table(rows: Sequence[dict[str, Any]]) -> str:
    """Return the runs as a table: the waits against the echo, what was lost, and where the CPU went."""
    lines = [f"{'database':<10}{'workers':>8}{'rate':>6}{'echo p50/p99':>14}{'hemei p50/p99/max ms':>24}"
             f"{'p99 vs echo':>12}{'success':>9}{'no answer':>10}{'not done':>9}{'cpu ms/push':>12}"]
    for row in rows:
        echo, run = row["echo"], row["hemei"]
        floor = f"{echo['p50_ms']:.0f}/{echo['p99_ms']:.0f}"
        waits = f"{run['p50_ms']:.0f}/{run['p99_ms']:.0f}/{run['max_ms']:.0f}"
        lines.append(f"{row['database']:<10}{row['workers']:>8}{row['rate_per_second']:>6g}{floor:>14}{waits:>24}"
                     f"{row['p99_vs_echo']:>11}x{run['success_fallbacks']:>9}{run['unanswered']:>10}"
                     f"{run['steps_not_done']:>9}{run['workers_cpu_ms_per_push']:>10}")
        cpu = row["hemei_cpu"]
        shares = ", ".join(f"{name} {value:.0f}" for name, value in cpu.items())
        lines.append(f"  cpu % of {CORES * 100} during the Hemei run: {shares}; limit: {row['limit']} "
                     f"(load average {row['load_average']}); drain done {row['inbound']['drained_after_s']} s "
                     f"after the last push; {run['sent_by_customer_service']} customer-service messages")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=100.0, help="callbacks per second (default 100)")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long to push (default 10)")
    parser.add_argument("--residents", type=int, default=100, help="followers pushing (default 100)")
    parser.add_argument("--workers", type=int, default=2, help="callback worker processes (default 2)")
    parser.add_argument("--database", choices=("postgres", "sqlite", "both"), default="both")
    parser.add_argument("--postgres", default=os.environ.get("POSTGRES_TEST_URL", ""))
    parser.add_argument("--profile", action="store_true",
                        help="sample the first worker with py-spy into <logs>/<database>/worker0.profile.txt")
    parser.add_argument("--logs", type=Path, help="keep the processes' configurations and logs in this folder")
    parser.add_argument("--smoke", action="store_true", help="tiny counts, one worker (CI: checks the figures print)")
    args = parser.parse_args(argv)
    if args.smoke:
        args.rate, args.seconds, args.residents, args.workers = 10.0, 1.0, 3, 1
    if args.database != "sqlite" and not args.postgres:
        parser.error("PostgreSQL needs --postgres URL or POSTGRES_TEST_URL (or use --database sqlite)")
    rows = []
    with tempfile.TemporaryDirectory(prefix="hemei-wechat-workers-") as temporary:
        folder = args.logs or Path(temporary)
        if args.database in ("postgres", "both"):
            rows.append(asyncio.run(on_postgres(args.postgres, args, folder)))
        if args.database in ("sqlite", "both"):
            (folder / "sqlite").mkdir(parents=True, exist_ok=True)
            rows.append(asyncio.run(measure(sqlite_url(str(folder / "sqlite" / "wechat.db")), args, folder / "sqlite")))
    print(table(rows))
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
