"""The district benchmark: a generated district on SQLite and on PostgreSQL, in one run, against the targets.

    python -m bench.district [--scale 0.1] [--samples 200] [--postgres URL] [--smoke]

Per backend, in a fresh child process (so peak memory is its own): generate the district (`bench/district_data.py`;
its roster through the real import: time and peak RSS), then drive the real engine with the lookups residents and
staff make (/score, /board, /myreports, /queue, /open, a meeting sign-up tap) for `--samples` people each, timing
only the database (every statement's execution, from SQLAlchemy's cursor events) and counting the statements of
the update that ran most, then the monthly digest for one
village (its sections) and for all (the real job, dry run), the database's size and the process's RSS. Each
lookup's statements are also explained on SQLite: a full scan of a table is listed (the index audit). On
PostgreSQL, last, updates/s with 1, 2 and 3 webhook worker processes and a leader on the same district
(`bench/workers.py`: `--workers-residents` residents asking /score, `--workers-rounds` times each; `--workers`
with no count skips this phase).
Prints a table, then the figures as JSON on the last line. PostgreSQL runs when a server URL is given (`--postgres`,
else POSTGRES_TEST_URL). `--smoke` (tiny scale; the test suite runs it) checks that every figure is printed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from statistics import quantiles
from typing import Any

from sqlalchemy import event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bench.district_data import NOW, generate
from bench.workers import measure_workers, rss_mb, workers_table
from bot.config import load_config
from bot.i18n import Catalogs
from bot.scheduler import Scheduler
from handlers import registry
from handlers.callback_data import pack
from handlers.consultation.names import MEETINGS
from handlers.engine import Engine
from handlers.events import Event, EventKind
from storage.database import Database, sqlite_url
from storage.migrate import upgrade
from storage.tables import identities, meetings, metadata, people, reports, roles
from village.clock import ManualClock
from village.services import Services
from village.settings import VillageSettings

TARGETS = {"roster_import_s": 60.0, "lookup_p99_ms": 10.0, "digest_all_s": 60.0, "worker_rss_mb": 250.0}
BIG_TABLE = 5_000  # rows: a sequential scan of a smaller table is the planner's right choice
LOOKUPS = ("/score", "/board", "/myreports", "/queue", "/open", "meeting sign-up")


class DatabaseTimer:
    """Adds up the time every statement takes in the database, and keeps the statements (for EXPLAIN)."""

    def __init__(self, database: Database) -> None:
        self.seconds = 0.0
        self.count = 0  # statements run (round trips: an executemany is one)
        self.statements: list[tuple[str, Any]] = []
        self._started: list[float] = []
        engine = database.engine.sync_engine
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, many: bool) -> None:
        self._started.append(time.perf_counter())
        self.count += 1
        if not many:
            self.statements.append((statement, parameters))

    def _after(self, *_args: Any) -> None:
        self.seconds += time.perf_counter() - self._started.pop()

    @contextmanager
    def measuring(self) -> Iterator[list[float]]:
        """Yield a list that receives the database seconds spent inside the block, then its statement count."""
        spent: list[float] = []
        before, count = self.seconds, self.count
        yield spent
        spent += [self.seconds - before, self.count - count]


async def lookup_events(database: Database, samples: int, seed: int) -> dict[str, list[Event]]:
    """Pick who does each lookup: joined people with the right role, sampled reproducibly."""
    rng = random.Random(seed)
    async with database.connection() as connection:
        joined = select(identities.c.external_id, identities.c.person_id).where(identities.c.person_id.is_not(None))
        everyone = (await connection.execute(joined)).fetchall()
        reporters = set((await connection.execute(select(reports.c.reporter_id).distinct())).scalars())
        workers = set((await connection.execute(select(roles.c.person_id).where(roles.c.role == "grid_worker")))
                      .scalars())
        upcoming = (await connection.execute(select(meetings.c.id, meetings.c.village_id)
                                             .where(meetings.c.starts_at > NOW))).fetchall()
        village_of = dict((await connection.execute(select(people.c.id, people.c.village_id))).fetchall())

    def pick(rows: list[Any]) -> list[Any]:
        return rng.sample(rows, min(samples, len(rows)))

    def command(name: str, rows: list[Any]) -> list[Event]:
        return [_event(r.external_id, EventKind.COMMAND, command=name) for r in pick(rows)]

    residents = [r for r in everyone if r.person_id not in workers]
    signups = []
    for row in pick(residents):
        choices = [m.id for m in upcoming if m.village_id == village_of[row.person_id]]
        if choices:
            payload = pack(MEETINGS, "join", rng.choice(choices))
            signups.append(_event(row.external_id, EventKind.BUTTON, payload=payload))
    return {"/score": command("score", residents), "/board": command("board", residents),
            "/myreports": command("myreports", [r for r in residents if r.person_id in reporters]),
            "/queue": command("queue", [r for r in everyone if r.person_id in workers]),
            "/open": command("open", residents), "meeting sign-up": signups}


_refs = iter(range(1, 10**9))


def _event(external_id: str, kind: EventKind, **fields: Any) -> Event:
    return Event(channel="telegram", external_id=external_id, chat_ref=external_id, kind=kind,
                 update_ref=f"bench-{next(_refs)}", **fields)


async def time_lookups(engine: Engine, timer: DatabaseTimer, events: dict[str, list[Event]]) -> dict[str, Any]:
    """Handle each lookup's events one after another; return p50/p99 of their database time in ms.

    With them the most statements one update ran (BEGIN and COMMIT not counted): on PostgreSQL each is a round
    trip, so the count is the figure a loaded machine cannot blur.
    """
    found: dict[str, Any] = {}
    for name, batch in events.items():
        times, counts = [], []
        for one in batch:
            with timer.measuring() as spent:
                await engine.handle(one)
            times.append(spent[0] * 1000)
            counts.append(int(spent[1]))
        found[name] = {**_percentiles(times), "statements": max(counts, default=0)}
    return found


def _percentiles(times: list[float]) -> dict[str, float]:
    if len(times) < 2:
        times = times * 2 or [0.0, 0.0]
    cuts = quantiles(times, n=100, method="inclusive")
    return {"n": len(times), "p50_ms": round(cuts[49], 2), "p99_ms": round(cuts[98], 2)}


async def explain_scans(database: Database, statements: list[tuple[str, Any]]) -> list[str]:
    """Return the tables some statement reads in full: the index audit.

    SQLite: its plan says `SCAN <table>` without an index (plans without statistics do not depend on size).
    PostgreSQL (after ANALYZE, each query run by EXPLAIN ANALYZE): a `Seq Scan` of a table over `BIG_TABLE` rows,
    or any scan that read and threw away over `BIG_TABLE` rows (an index walked for its order, filtering).
    """
    unique = {statement: parameters for statement, parameters in statements
              if statement.lstrip().upper().startswith(("SELECT", "WITH"))}
    scans: set[str] = set()
    async with database.engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        big = set((await connection.execute(text(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples > :rows"), {"rows": BIG_TABLE}))
            .scalars()) if postgres else set()
        for statement, parameters in unique.items():
            explain = "EXPLAIN ANALYZE " if postgres else "EXPLAIN QUERY PLAN "
            plan = [str(r[-1]) for r in (await connection.exec_driver_sql(explain + statement,
                                                                          tuple(parameters or ()))).fetchall()]
            scans |= _scanned(plan, big) if postgres else {s for line in plan for s in _scanned_sqlite(line)}
    return sorted(scans)


def _scanned_sqlite(detail: str) -> set[str]:
    if detail.startswith("SCAN ") and "USING" not in detail and "CONSTANT ROW" not in detail:
        table = detail.split()[1]
        # Not a table (`(subquery-1)`, `anon_1`): a subquery's rows, already found and in memory
        return {table} if table in metadata.tables else set()
    return set()


def _scanned(plan: list[str], big: set[str]) -> set[str]:
    found, table = set(), ""
    for line in plan:
        node = re.search(r"Scan(?: Backward)?(?: using \w+)? on (\w+)", line)
        if node:
            table = node.group(1)
            if "Seq Scan" in line and table in big:
                found.add(table)
        removed = re.search(r"Rows Removed by Filter: (\d+)", line)
        if removed and int(removed.group(1)) > BIG_TABLE and table:
            found.add(f"{table} (filtered)")
    return found


async def digests(database: Database, url: str, timer: DatabaseTimer) -> dict[str, float]:
    """Time the monthly digest's sections for one village, and the whole job (dry run) for all villages."""
    config = load_config(None, {"HEMEI_TELEGRAM__TOKEN": "1:bench", "HEMEI_DATABASE__URL": url})
    engine = Engine(registry.flows(), database=database, clock=ManualClock(NOW), settings=config,
                    renderer=Catalogs.load(), stranger_flow=registry.STRANGER_FLOW)
    scheduler = Scheduler(registry.jobs(), config, database=database, clock=ManualClock(NOW),
                          renderer=Catalogs.load(), menu=engine.menu)
    async with database.transaction() as store:
        village = (await store.places.villages())[0]
        services = Services(store, ManualClock(NOW), config)
        started = time.perf_counter()
        for build in registry.DIGEST_SECTIONS:
            await build(services, village, 2026, 11)
        one = time.perf_counter() - started
    started = time.perf_counter()
    await scheduler.preview("monthly_digest", NOW)
    return {"digest_one_village_s": round(one, 3), "digest_all_s": round(time.perf_counter() - started, 2)}


async def database_megabytes(database: Database, url: str) -> float:
    """Return the database's size on disk."""
    if url.startswith("sqlite"):
        path = Path(make_url(url).database or "")
        return round(sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 2**20, 1)
    async with database.engine.connect() as connection:
        size = (await connection.execute(select(func.pg_database_size(func.current_database())))).scalar()
    return round(int(size or 0) / 2**20, 1)


async def measure_backend(url: str, scale: float, samples: int, seed: int) -> dict[str, Any]:
    """Generate the district at `url` and measure everything on it (runs in its own process)."""
    await upgrade(url)
    database = Database.open(url)
    generated = await generate(database, scale, seed)
    import_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # the import runs first: its peak
    figures = {"scale": scale, "counts": generated.counts, "generate_s": round(generated.total_seconds, 1),
               "roster_import_s": round(generated.roster_seconds, 2), "roster_people": generated.size.people,
               "roster_peak_mb": round(import_peak, 1), **await measure_district(database, url, samples, seed)}
    await database.close()
    return figures


async def measure_district(database: Database, url: str, samples: int, seed: int) -> dict[str, Any]:
    """Time the lookups and the digest on a generated district, audit their plans, and size it up."""
    if database.engine.dialect.name == "postgresql":
        async with database.engine.connect() as connection:
            await connection.execute(text("COMMIT"))
            await connection.execute(text("ANALYZE"))
    timer = DatabaseTimer(database)
    engine = Engine(registry.flows(), database=database, clock=ManualClock(NOW), settings=VillageSettings(),
                    renderer=Catalogs.load(), stranger_flow=registry.STRANGER_FLOW)
    events = await lookup_events(database, samples, seed)
    await time_lookups(engine, timer, {k: v[:3] for k, v in events.items()})  # warm up
    lookups, scans = {}, {}
    for name, batch in events.items():
        timer.statements.clear()
        lookups.update(await time_lookups(engine, timer, {name: batch}))
        scans[name] = await explain_scans(database, timer.statements)
    timer.statements.clear()
    digest = await digests(database, url, timer)
    scans["digest"] = await explain_scans(database, timer.statements)
    return {"lookups": lookups, "full_scans": {k: v for k, v in scans.items() if v}, **digest,
            "database_mb": await database_megabytes(database, url), "bench_rss_mb": rss_mb(os.getpid())}


async def child(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    scale, samples, seed = args.scale, args.samples, args.seed
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="hemei-district-") as folder:
            return await measure_backend(sqlite_url(str(Path(folder) / "district.db")), scale, samples, seed)
    name = f"hemei_district_{os.getpid()}"
    await _admin(args.postgres, f'CREATE DATABASE "{name}"')
    try:
        url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
        figures = await measure_backend(url, scale, samples, seed)
        if not args.workers:
            return figures
        with tempfile.TemporaryDirectory(prefix="hemei-workers-") as folder:
            residents = await worker_residents(url, args.workers_residents, seed)
            figures["throughput"] = await measure_workers(url, residents, Path(folder), counts=args.workers,
                                                          rounds=args.workers_rounds)
        return figures
    finally:
        await _admin(args.postgres, f'DROP DATABASE "{name}" WITH (FORCE)')


async def worker_residents(url: str, count: int, seed: int) -> list[int]:
    """Pick joined residents (no staff: their menus differ) whose Telegram ids post to the workers."""
    database = Database.open(url)
    try:
        async with database.connection() as connection:
            staff = select(roles.c.person_id).where(roles.c.role.in_(["grid_worker", "cadre", "group_leader",
                                                                      "supervisor"]))
            query = (select(identities.c.external_id).where(identities.c.person_id.is_not(None),
                                                             identities.c.person_id.not_in(staff))
                     .order_by(identities.c.id))
            joined = [int(r) for r in (await connection.execute(query)).scalars()]
    finally:
        await database.close()
    return random.Random(seed).sample(joined, min(count, len(joined)))


async def _admin(server: str, statement: str) -> None:
    engine = create_async_engine(server, isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        await connection.execute(text(statement))
    await engine.dispose()


def run_child(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    """Measure one backend in a fresh process; return its figures."""
    command = [sys.executable, "-m", "bench.district", "--child", backend, "--scale", str(args.scale),
               "--samples", str(args.samples), "--seed", str(args.seed), "--postgres", args.postgres,
               "--workers-residents", str(args.workers_residents), "--workers-rounds", str(args.workers_rounds),
               "--workers", *map(str, args.workers)]
    output = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout  # errors on stderr
    return dict(json.loads(output.splitlines()[-1]))


def table(found: dict[str, dict[str, Any]]) -> str:
    """Return the figures side by side, each with its target."""
    names = list(found)
    lines = [f"{'figure':<32}" + "".join(f"{n:>14}" for n in names) + f"{'target':>14}"]

    def row(label: str, values: list[Any], target: str = "") -> None:
        lines.append(f"{label:<32}" + "".join(f"{v:>14}" for v in values) + f"{target:>14}")

    first = found[names[0]]
    row("scale (people)", [f"{f['scale']} ({f['roster_people']:,})" for f in found.values()])
    row("roster import s", [f["roster_import_s"] for f in found.values()], "< 60 (300k)")
    row("roster import peak MB", [f["roster_peak_mb"] for f in found.values()], "< 1024")
    for lookup in first["lookups"]:
        row(f"{lookup} db p50/p99 ms", [f"{f['lookups'][lookup]['p50_ms']}/{f['lookups'][lookup]['p99_ms']}"
                                         for f in found.values()], "p99 < 10")
        row(f"{lookup} statements", [f["lookups"][lookup]["statements"] for f in found.values()])
    row("digest, one village s", [f["digest_one_village_s"] for f in found.values()])
    row("digest, all villages s", [f["digest_all_s"] for f in found.values()], "< 60")
    row("database MB", [f["database_mb"] for f in found.values()])
    # A real `hemei run --role worker` after the throughput phase (PostgreSQL only: SQLite runs one process).
    row("worker RSS MB", [max((r["worker_rss_mb"] for r in f.get("throughput") or []), default="–")
                          for f in found.values()], "< 250")
    # This benchmark's own process, which also generated the district and ran the all-village digest.
    row("bench process RSS MB", [f["bench_rss_mb"] for f in found.values()])
    row("generate s", [f["generate_s"] for f in found.values()])
    for name, figures in found.items():
        audit = "; ".join(f"{k}: {', '.join(v)}" for k, v in figures["full_scans"].items()) or "none"
        lines.append(f"tables read in full ({name} plans): {audit}")
    for name, figures in found.items():
        if figures.get("throughput"):
            lines += [f"webhook workers on {name}, each /score posted to the next worker, answered at the emulator:",
                      workers_table(figures["throughput"])]
    return "\n".join(lines)


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.district", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.1, help="share of Chongming's size (default 0.1)")
    parser.add_argument("--samples", type=int, default=200, help="people timed per lookup (default 200)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--postgres", default=os.environ.get("POSTGRES_TEST_URL", ""))
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2, 3],
                        help="worker counts (default 1 2 3; none: skip the throughput phase)")
    parser.add_argument("--workers-residents", type=int, default=30, help="residents posting at once (default 30)")
    parser.add_argument("--workers-rounds", type=int, default=20, help="updates each resident posts (default 20)")
    parser.add_argument("--smoke", action="store_true", help="tiny scale: checks that it runs, measures nothing")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.smoke:
        args.scale, args.samples, args.workers, args.workers_residents, args.workers_rounds = 0.002, 5, [1, 2], 4, 2
    return args


def main(argv: list[str] | None = None) -> None:
    args = arguments(argv)
    if args.child:
        print(json.dumps(asyncio.run(child(args.child, args))))
        return
    backends = ["sqlite", "postgresql"] if args.postgres else ["sqlite"]
    found = {backend: run_child(backend, args) for backend in backends}
    print(table(found))
    print(json.dumps({"targets": TARGETS, **found}))


if __name__ == "__main__":
    main()
