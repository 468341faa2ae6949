"""Updates per second with 1, 2 and 3 webhook workers on one PostgreSQL, behind one leader: real processes.

For each number of workers: `hemei run --role worker` processes in webhook mode (each on its own port, as behind
the reverse proxy) and one `hemei run --role leader`, all on the same database and the Bot API emulator running
here. A closed loop of residents (each posts an update to the next worker in turn, as round-robin proxying does,
waits until the bot's answer reaches the emulator, then posts the next) measures updates/s and the latency p50/p99
from the post to the answer. CPU is read from /proc for the workers, the leader and this process (the load generator
and the emulator), and for the whole machine (/proc/stat): the rest is the database server and any other work on
the machine (the server's processes may live in another PID namespace, out of sight). When the machine's cores are
nearly all busy, the cores are the limit; else the database (its locks, its disk) is.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import quantiles
from typing import Any

import httpx

from bot.emulator import FakeBotApi
from bot.emulator.messages import command_entities, user_message
from bot.processes import START_SECONDS, BotProcess, Worker, start_running, webhook_worker, write_config
from handlers import registry
from storage.database import Database

SECRET = "bench-workers-secret-0123456789abcdefgh"  # 32 or more characters, as webhook mode requires
TICKS = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count() or 1
BUSY_SHARE = 0.85  # of all cores: above it, the cores are the limit
ANSWER_SECONDS = 30  # an update answered later than this is counted as late (its latency still counts)
STRAGGLER_SECONDS = 60  # then waited for this much longer: one still unanswered is counted as never answered
NEVER = "0 0 29 2 *"  # the 29th of February: no job falls due during a run (none until 2028)
_update_ids = itertools.count(10_000_000)  # never twice in a run: the workers drop an update id seen before


def cpu_seconds(pid: int) -> float:
    """Return the CPU time (user + system) a process has used; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14 and 15 of stat)


def rss_mb(pid: int) -> float:
    """Return a process's resident memory now (0 when it is gone)."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0.0
    return next((round(int(line.split()[1]) / 1024, 1) for line in lines if line.startswith("VmRSS:")), 0.0)


def machine_ticks() -> tuple[int, int]:
    """Return the machine's CPU ticks so far: (busy, all), over every core."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle, iowait
    return sum(ticks) - idle, sum(ticks)


class CpuMeter:
    """CPU seconds of named processes over a phase."""

    def __init__(self, pids: dict[str, list[int]]) -> None:
        self._pids = pids
        self._before = {pid: cpu_seconds(pid) for group in pids.values() for pid in group}
        self._machine = machine_ticks()
        self._started = time.perf_counter()

    def shares(self) -> dict[str, float]:
        """Return each group's CPU in % of one core since the start (200 % is both cores of a 2-core machine),
        and the machine's ("machine"), and what is not ours ("database and other")."""
        wall = time.perf_counter() - self._started
        found = {name: round(sum(cpu_seconds(p) - self._before.get(p, 0.0) for p in group) / wall * 100, 1)
                 for name, group in self._pids.items()}
        busy, every = (now - before for now, before in zip(machine_ticks(), self._machine, strict=True))
        machine = round(busy / max(every, 1) * CORES * 100, 1)
        return {**found, "database and other": round(max(machine - sum(found.values()), 0.0), 1), "machine": machine}


async def start_workers(folder: Path, api: FakeBotApi, url: str, count: int, concurrent: int) -> list[Worker]:
    """Start `count` webhook workers at once; return them when each is taking updates (stopping them if one fails)."""
    workers = [webhook_worker(folder / f"worker{number}", api, url, secret=SECRET, concurrent=concurrent)
               for number in range(count)]
    await start_running([w.process for w in workers])
    return workers


@dataclass
class Loop:
    """What a closed loop saw: the latencies of answered updates (late ones too), the wall time, the updates
    answered only after ANSWER_SECONDS, and the ids of those never answered (not even STRAGGLER_SECONDS later)."""

    latencies: list[float]
    wall: float = 0.0
    late: int = 0
    never: list[int] | None = None


async def closed_loop(api: FakeBotApi, workers: Sequence[Worker], residents: Sequence[int], rounds: int,
                      command: str, *, answer_seconds: float = ANSWER_SECONDS,
                      straggler_seconds: float = STRAGGLER_SECONDS) -> Loop:
    """Let each resident post `command` `rounds` times, each time waiting for the answer (a new message or an edit).

    A resident whose answer is late (after `answer_seconds`) waits for it (up to `straggler_seconds` more)
    before posting again, as a person would, so that a late answer is never taken for the next update's.
    """
    loop = Loop([], never=[])
    async with httpx.AsyncClient(timeout=60) as client:

        async def one(resident: int) -> None:
            user = {"id": resident, "is_bot": False, "first_name": f"R{resident}"}
            for _ in range(rounds):
                number = next(_update_ids)
                port = workers[number % len(workers)].port  # round robin, as the reverse proxy
                before = _latest(api, resident)
                body = {"update_id": number, **user_message(
                    api.new_message_id(), user, text=command, entities=command_entities(command))}
                started = time.perf_counter()
                answer = await client.post(f"http://127.0.0.1:{port}/telegram", json=body,
                                           headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
                answer.raise_for_status()  # the worker committed the update (it answers 200 only then)
                answered = lambda r=resident, b=before: _latest(api, r) > b  # noqa: E731
                try:
                    await api.wait_until(answered, within=answer_seconds)
                except TimeoutError:
                    loop.late += 1
                    try:
                        await api.wait_until(answered, within=straggler_seconds)
                    except TimeoutError:
                        loop.late -= 1
                        assert loop.never is not None
                        loop.never.append(number)
                        continue
                loop.latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(one(r) for r in residents))
        loop.wall = time.perf_counter() - started
        return loop


def _latest(api: FakeBotApi, chat_id: int) -> int:
    """Return the sequence number of the latest send or edit to a chat (0 before any)."""
    return max((m.seq for m in api.messages_to(chat_id)), default=0)


async def measure_workers(url: str, residents: Sequence[int], folder: Path, *, counts: Sequence[int] = (1, 2, 3),
                          rounds: int = 10, command: str = "/score", concurrent: int = 1) -> list[dict[str, Any]]:
    """Run the closed loop with each number of workers; return one row of figures per number.

    `residents` are Telegram user ids already bound to people in the database at `url` (migrated). The leader
    and the most workers any phase needs start once, together; a phase posts to its first `count` of them only.
    """
    api = FakeBotApi()
    await api.start()
    # The leader sends and schedules; its jobs would run now (a generated district's digest, its reminders) and
    # take the cores from the workers: none is due in this run.
    never = [f'{job.name} = "{NEVER}"' for job in registry.jobs()]
    leader = BotProcess(write_config(folder / "leader", api, url, log_level="INFO", extra=["[schedules]", *never]),
                        role="leader")
    workers: list[Worker] = []
    try:
        await leader.start()
        workers = await start_workers(folder, api, url, max(counts), concurrent)
        await leader.wait_for_log("is running", START_SECONDS)
        await closed_loop(api, workers, residents[:len(workers)], 1, command)  # warm up: a first update each
        return [await _phase(url, api, leader, workers[:count], residents, rounds, command) for count in counts]
    finally:
        await asyncio.gather(_stop(leader), *(_stop(w.process) for w in workers))
        await api.stop()


async def _stop(process: BotProcess) -> None:
    """Stop a process gracefully, or kill it when it takes too long (the figures are measured already)."""
    try:
        await process.terminate()
    except TimeoutError:
        await process.kill()


async def _phase(url: str, api: FakeBotApi, leader: BotProcess, workers: Sequence[Worker], residents: Sequence[int],
                 rounds: int, command: str) -> dict[str, Any]:
    meter = CpuMeter({"workers": [_pid(w.process) for w in workers], "leader": [_pid(leader)],
                      "load generator": [os.getpid()]})
    loop = await closed_loop(api, workers, residents, rounds, command)
    cpu = meter.shares()
    latencies, wall, never = loop.latencies, loop.wall, loop.never or []
    cuts = quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 else latencies * 99
    return {"workers": len(workers), "residents": len(residents), "updates": len(latencies), "late": loop.late,
            "unanswered": len(never), "unanswered_handled": await _handled(url, never),
            "updates_per_second": round(len(latencies) / wall, 1), "p50_ms": round(cuts[49] * 1000, 1),
            "p99_ms": round(cuts[98] * 1000, 1), "cpu_percent": cpu, "load_average": round(os.getloadavg()[0], 2),
            # after the load: what a worker holds once it has served the residents (the target is per worker)
            "worker_rss_mb": max(rss_mb(_pid(w.process)) for w in workers),
            "limit": _limit(cpu, len(workers))}


def _limit(cpu: dict[str, float], workers: int) -> str:
    """Name what held throughput back: the machine's cores, each worker's one core (a process runs on one), or
    else the database."""
    if cpu["machine"] >= BUSY_SHARE * CORES * 100:
        return "cores"
    return "a core per worker" if cpu["workers"] >= BUSY_SHARE * 100 * workers else "database"


async def _handled(url: str, update_ids: Sequence[int]) -> int:
    """Count the updates among `update_ids` a worker handled (committed its step): a never-answered one that was
    handled lost its reply; one that was not was lost before its step (or is still queued)."""
    if not update_ids:
        return 0
    from sqlalchemy import func, select

    from storage.tables import processed_updates

    database = Database.open(url)
    try:
        refs = [str(n) for n in update_ids]
        async with database.connection() as connection:
            query = select(func.count()).select_from(processed_updates).where(
                processed_updates.c.channel == "telegram", processed_updates.c.update_ref.in_(refs))
            return int((await connection.execute(query)).scalar_one())
    finally:
        await database.close()


def _pid(process: BotProcess) -> int:
    assert process.process is not None
    return process.process.pid


def workers_table(rows: Sequence[dict[str, Any]]) -> str:
    """Return the rows as a table: throughput, latency and where the CPU went."""
    lines = [f"{'workers':>8}{'updates/s':>11}{'p50 ms':>9}{'p99 ms':>9}{'RSS MB':>8}  cpu % of {CORES * 100}: "
             "workers / leader / load generator / database and other = machine   limit"]
    for row in rows:
        cpu = row["cpu_percent"]
        shares = " / ".join(f"{cpu[k]:.0f}" for k in ("workers", "leader", "load generator", "database and other"))
        lines.append(f"{row['workers']:>8}{row['updates_per_second']:>11}{row['p50_ms']:>9}{row['p99_ms']:>9}"
                     f"{row.get('worker_rss_mb', '–'):>8}  "
                     f"{shares + ' = ' + format(cpu['machine'], '.0f'):<64}{row['limit']} (load average "
                     f"{row['load_average']}){_stragglers(row)}")
    return "\n".join(lines)


def _stragglers(row: dict[str, Any]) -> str:
    """Return the late and never-answered updates of a row, when there are any."""
    late = f", {row['late']} answered after {ANSWER_SECONDS} s" if row.get("late") else ""
    never = (f", {row['unanswered']} never answered within {ANSWER_SECONDS + STRAGGLER_SECONDS} s "
             f"({row['unanswered_handled']} of them handled)") if row["unanswered"] else ""
    return late + never


async def standalone(server: str, residents: int, rounds: int, counts: Sequence[int], concurrent: int,
                     folder: Path) -> list[dict[str, Any]]:
    """Measure on a fresh database of `residents` joined household heads (not the generated district)."""
    from sqlalchemy.engine import make_url

    from bench.district import _admin  # the district benchmark owns the database plumbing
    from bench.updates import FIRST_USER, prepare

    name = f"hemei_workers_{os.getpid()}"
    await _admin(server, f'CREATE DATABASE "{name}"')
    try:
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
        await prepare(url, residents)
        return await measure_workers(url, [FIRST_USER + n for n in range(residents)], folder, counts=counts,
                                     rounds=rounds, concurrent=concurrent)
    finally:
        await _admin(server, f'DROP DATABASE "{name}" WITH (FORCE)')


def main(argv: Sequence[str] | None = None) -> None:
    import argparse
    import json
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--concurrent-updates", type=int, default=1)
    parser.add_argument("--postgres", default=os.environ.get("POSTGRES_TEST_URL", ""))
    parser.add_argument("--logs", type=Path, help="keep the processes' configurations and logs in this folder")
    args = parser.parse_args(argv)
    if not args.postgres:
        parser.error("needs a PostgreSQL server: --postgres URL or POSTGRES_TEST_URL")
    with tempfile.TemporaryDirectory(prefix="hemei-workers-") as folder:
        rows = asyncio.run(standalone(args.postgres, args.residents, args.rounds, args.workers,
                                      args.concurrent_updates, args.logs or Path(folder)))
    print(workers_table(rows))
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
