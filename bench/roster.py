"""A district's roster import, end to end as `hemei roster import FILE` runs it: time and peak memory.

    python -m bench.roster [--people 300000] [--format xlsx|csv] [--postgres URL] [--smoke]

The file (the generated district's roster of bench/district_data.py, `--people` people in villages of about
2,600, as an office uploads it) is written once; each figure then comes from a fresh child process on a fresh
database, and its peak memory is that child's own (ru_maxrss). `import` is the command's steps: read the file,
validate every row (before the transaction), write everything in one transaction; then the same file once more,
the monthly re-import (everyone unchanged, which it must count). The baseline, in the same run, reads the same
file and bulk-writes its people with no validation and no matching (COPY on PostgreSQL, the driver's
executemany on SQLite): the floor for that many rows on this machine at this moment. PostgreSQL runs when a
server URL is given (`--postgres`, else POSTGRES_TEST_URL). Prints a table, then the figures as JSON on the last
line. `--smoke` imports a few thousand people: it checks that every figure is printed, and measures nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bench.district_data import PER_HOUSEHOLD, Size, roster_table
from bot.spreadsheets import limits, read_table
from storage.database import Database, sqlite_url
from storage.migrate import upgrade
from village.clock import SystemClock
from village.people import Actor
from village.roster.rows import parse_rows
from village.services import Services
from village.settings import VillageSettings

TARGETS = {"people": 300_000, "total_s": 60.0, "peak_mb": 1024.0}  # issue 11: on 2 cores, both databases
PEOPLE_PER_VILLAGE = 2_575  # Chongming: 690,000 residents in 268 villages
SMOKE_PEOPLE = 1_500
_INSERT_PEOPLE = "INSERT INTO people (village_id, name, phone) VALUES (?, ?, ?)"


def district_size(people: int) -> Size:
    """Return the generated district's size holding `people` (3 a household)."""
    households = max(8, people // PER_HOUSEHOLD)
    return Size(villages=max(2, round(households * PER_HOUSEHOLD / PEOPLE_PER_VILLAGE)), households=households,
                reports=0, meetings=0)


def write_roster(path: Path, people: int) -> None:
    """Write the district's roster as an office would upload it: XLSX (phones as text) or UTF-8 CSV."""
    table = roster_table(district_size(people))
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows(table)
        return
    workbook = Workbook(write_only=True)  # a normal workbook would hold 2.4 million cell objects
    sheet = workbook.create_sheet("roster")
    for row in table:
        sheet.append(row)
    workbook.save(path)


def peak_mb() -> float:
    """Return this process's peak resident memory so far."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


async def import_file(url: str, path: Path) -> dict[str, Any]:
    """Import the file as the command does, then once more; return each step's seconds and the peaks."""
    await upgrade(url)
    database = Database.open(url)
    figures: dict[str, Any] = {}
    try:
        for attempt in ("first", "again"):
            started, cpu = time.perf_counter(), time.process_time()
            table = read_table(path, limits.district())
            read = time.perf_counter()
            rows = parse_rows(table)
            del table  # as the command does: only the rows are held while writing
            validated = time.perf_counter()
            async with database.transaction() as store:
                summary = await Services(store, SystemClock(), VillageSettings()).roster.import_rows(
                    Actor.operator("bench"), rows)
            written = time.perf_counter()
            figures[attempt] = {"read_s": round(read - started, 2), "validate_s": round(validated - read, 2),
                                "write_s": round(written - validated, 2), "total_s": round(written - started, 2),
                                "cpu_s": round(time.process_time() - cpu, 2), "peak_mb": peak_mb(),
                                "added": summary.added, "updated": summary.updated, "unchanged": summary.unchanged}
            del rows
            gc.collect()
    finally:
        await database.close()
    return figures


async def bare_write(url: str, path: Path) -> dict[str, Any]:
    """Read the file and write its people in one bulk statement, without checking or matching anything."""
    await upgrade(url)
    database = Database.open(url)
    try:
        started, cpu = time.perf_counter(), time.process_time()
        table = read_table(path, limits.district())
        read = time.perf_counter()
        async with database.transaction() as store:
            village = await store.places.save_village("V0000", "村")
        records = [(village.id, row[5], row[6]) for row in table[1:]]
        async with database.connection() as connection:
            if connection.dialect.name == "postgresql":
                raw = await connection.get_raw_connection()
                await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
                    "people", columns=["village_id", "name", "phone"], records=records)
            else:
                await connection.exec_driver_sql(_INSERT_PEOPLE, records)
        written = time.perf_counter()
    finally:
        await database.close()
    return {"read_s": round(read - started, 2), "write_s": round(written - read, 2),
            "total_s": round(written - started, 2), "cpu_s": round(time.process_time() - cpu, 2),
            "peak_mb": peak_mb()}


async def _admin(server: str, statement: str) -> None:
    engine = create_async_engine(server, isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        await connection.execute(text(statement))
    await engine.dispose()


async def child(kind: str, backend: str, path: Path, server: str) -> dict[str, Any]:
    """Run one measurement on a fresh database of `backend`."""
    work: Callable[[str, Path], Awaitable[dict[str, Any]]] = import_file if kind == "import" else bare_write
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="hemei-roster-") as folder:
            return await work(sqlite_url(str(Path(folder) / "roster.db")), path)
    name = f"hemei_roster_{os.getpid()}"
    await _admin(server, f'CREATE DATABASE "{name}"')
    try:
        return await work(make_url(server).set(database=name).render_as_string(hide_password=False), path)
    finally:
        await _admin(server, f'DROP DATABASE "{name}" WITH (FORCE)')


def measure(kind: str, backend: str, path: Path, server: str) -> dict[str, Any]:
    """Run one measurement in a fresh process; return its figures."""
    command = [sys.executable, "-m", "bench.roster", "--child", kind, backend, str(path), server]
    output = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout  # errors on stderr
    return dict(json.loads(output.splitlines()[-1]))


def table(people: int, found: dict[str, dict[str, Any]], load: list[float]) -> str:
    """Return the figures, one line per backend and step, with the baseline and the targets."""
    lines = [f"roster import of {people:,} people; targets at {TARGETS['people']:,}: under "
             f"{TARGETS['total_s']:g} s and {TARGETS['peak_mb']:g} MB",
             f"{'backend':<11}{'step':<18}{'read s':>8}{'validate s':>11}{'write s':>9}{'total s':>9}{'cpu s':>8}"
             f"{'peak MB':>9}{'vs baseline':>13}  counted"]
    for backend, figures in found.items():
        base = figures["baseline"]
        for step, label in (("first", "import"), ("again", "import again")):
            f = figures[step]
            ratio = f["total_s"] / base["total_s"]
            lines.append(f"{backend:<11}{label:<18}{f['read_s']:>8.2f}{f['validate_s']:>11.2f}{f['write_s']:>9.2f}"
                         f"{f['total_s']:>9.2f}{f['cpu_s']:>8.2f}{f['peak_mb']:>9.0f}{ratio:>12.1f}x  "
                         f"{f['added']} added, {f['updated']} updated, {f['unchanged']} unchanged")
        lines.append(f"{backend:<11}{'baseline (bare)':<18}{base['read_s']:>8.2f}{'':>11}{base['write_s']:>9.2f}"
                     f"{base['total_s']:>9.2f}{base['cpu_s']:>8.2f}{base['peak_mb']:>9.0f}{1:>12.1f}x")
    lines.append("cpu s: the importing process's CPU (SQLite's included; PostgreSQL's server runs apart); "
                 f"1-minute load average before and after: {load[0]:.1f}, {load[-1]:.1f} on {os.cpu_count()} cores")
    return "\n".join(lines)


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.roster", description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=TARGETS["people"], help="people on the roster (300,000)")
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx", help="the file's format (xlsx)")
    parser.add_argument("--postgres", default=os.environ.get("POSTGRES_TEST_URL", ""))
    parser.add_argument("--smoke", action="store_true", help="a few thousand people: checks that it runs")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.smoke:
        args.people = SMOKE_PEOPLE
    return args


def main(argv: list[str] | None = None) -> None:
    args = arguments(argv)
    if args.child:
        kind, backend, path, server = args.child
        print(json.dumps(asyncio.run(child(kind, backend, Path(path), server))))
        return
    backends = ["sqlite", "postgresql"] if args.postgres else ["sqlite"]
    people = district_size(args.people).people
    load = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory(prefix="hemei-roster-file-") as folder:
        path = Path(folder) / f"roster.{args.format}"
        write_roster(path, args.people)
        found = {backend: {"baseline": measure("bare", backend, path, args.postgres),
                           **measure("import", backend, path, args.postgres)} for backend in backends}
    load.append(os.getloadavg()[0])
    print(table(people, found, load))
    print(json.dumps({"people": people, "format": args.format, "targets": TARGETS, "load_average": load,
                      "cores": os.cpu_count(), **found}))


if __name__ == "__main__":
    main()
