"""A district's roster import: time, write-lock time and peak memory, against a bare insert in the same run.

    python bench/roster.py [--rows 10000 60000 300000] [--postgres URL]

Each figure comes from a fresh child process on a fresh database (peak RSS is the child's own). `validate` is
parsing every row (before the transaction), `write` the transaction, i.e. how long SQLite's write lock is held.
The baseline writes the same number of people rows with one bare executemany: the floor for that many rows on
this machine, so the ratio shows the import's own cost. PostgreSQL runs when a server URL is given
(`--postgres`, else POSTGRES_TEST_URL, as `.ci/run` exports it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from storage.database import Database, sqlite_url
from storage.migrate import upgrade
from storage.tables import people
from village.clock import SystemClock
from village.people import Actor
from village.roster.rows import parse_rows
from village.services import Services
from village.settings import VillageSettings

HEADER = ["village", "village_name", "grid", "group", "household", "name", "phone", "roles"]
PER_VILLAGE = 3_000  # people; a household of 3, a group of 30 households, a grid of 4 groups


def roster(rows: int) -> list[list[str]]:
    """Return a district's roster of `rows` people, as a spreadsheet reader would hand it over."""
    table = [HEADER]
    for n in range(rows):
        village, member = divmod(n, PER_VILLAGE)
        household, seat = divmod(member, 3)
        group, grid = household // 30, household // 120
        table.append([f"V{village:04}", f"村{village}", f"{grid + 1}网格", f"{group + 1}组", f"{household + 1}",
                      f"村民{n}", f"13{n:09d}", "household_head" if seat == 0 else ""])
    return table


async def import_once(url: str, rows: int) -> dict[str, float]:
    await upgrade(url)
    table = roster(rows)
    started = time.perf_counter()
    validated = parse_rows(table)
    parsed = time.perf_counter()
    database = Database.open(url)
    async with database.transaction() as store:
        summary = await Services(store, SystemClock(), VillageSettings()).roster.import_rows(Actor.operator("bench"),
                                                                                         validated)
    written = time.perf_counter()
    await database.close()
    assert summary.added == rows
    return {"validate": parsed - started, "write": written - parsed, "total": written - started}


async def bare_insert(url: str, rows: int) -> dict[str, float]:
    await upgrade(url)
    database = Database.open(url)
    async with database.transaction() as store:
        village = await store.places.save_village("V0000", "村")
    values = [{"village_id": village.id, "name": f"村民{n}", "phone": f"13{n:09d}"} for n in range(rows)]
    started = time.perf_counter()
    async with database.connection() as connection:
        await connection.execute(insert(people), values)
    elapsed = time.perf_counter() - started
    await database.close()
    return {"validate": 0.0, "write": elapsed, "total": elapsed}


async def _admin(server: str, statement: str) -> None:
    engine = create_async_engine(server, isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        await connection.execute(text(statement))
    await engine.dispose()


async def child(kind: str, backend: str, rows: int, server: str) -> dict[str, float]:
    work = import_once if kind == "import" else bare_insert
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            return await work(sqlite_url(str(Path(folder) / "bench.db")), rows)
    name = f"hemei_bench_{os.getpid()}"
    await _admin(server, f'CREATE DATABASE "{name}"')
    try:
        return await work(make_url(server).set(database=name).render_as_string(hide_password=False), rows)
    finally:
        await _admin(server, f'DROP DATABASE "{name}" WITH (FORCE)')


def measure(kind: str, backend: str, rows: int, server: str) -> dict[str, float]:
    """Run one measurement in a fresh process; return its figures and peak RSS in MB."""
    output = subprocess.run([sys.executable, __file__, "--child", kind, backend, str(rows), server],
                            check=True, stdout=subprocess.PIPE, text=True).stdout  # errors show on stderr
    return dict(json.loads(output))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 60_000, 300_000])
    parser.add_argument("--postgres", default=os.environ.get("POSTGRES_TEST_URL", ""))
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, backend, rows, server = args.child
        figures = asyncio.run(child(kind, backend, int(rows), server))
        figures["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(figures))
        return
    backends = ["sqlite", "postgresql"] if args.postgres else ["sqlite"]
    print(f"{'backend':<11}{'rows':>8}{'validate s':>12}{'write s':>9}{'total s':>9}{'peak MB':>9}"
          f"{'bare insert s':>15}{'write/bare':>12}")
    for backend in backends:
        for rows in args.rows:
            result = measure("import", backend, rows, args.postgres)
            base = measure("bare", backend, rows, args.postgres)
            print(f"{backend:<11}{rows:>8}{result['validate']:>12.2f}{result['write']:>9.2f}{result['total']:>9.2f}"
                  f"{result['rss_mb']:>9.0f}{base['write']:>15.2f}{result['write'] / base['write']:>12.1f}")


if __name__ == "__main__":
    main()
