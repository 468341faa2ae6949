"""How many updates per second one process handles, against a bare-transaction baseline in the same run.

    python bench/engine.py [--events 2000]

The engine does per update: dedupe, identity, person with roles, conversation
state, routing, the step, state save, rendering. The baseline is the cheapest
write transaction the same database can do, so the ratio shows the engine's cost
on this machine rather than a machine-dependent absolute.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bot.demo.dataset import demo_roster
from bot.i18n import Catalogs
from handlers import registry
from handlers.engine import Engine
from handlers.events import Contact, Event, EventKind
from storage.database import Database, sqlite_url
from storage.migrate import upgrade
from village.clock import SystemClock
from village.people import Actor
from village.services import Services
from village.settings import VillageSettings


async def prepare(folder: Path) -> Database:
    url = sqlite_url(str(folder / "bench.db"))
    await upgrade(url)
    database = Database.open(url)
    async with database.transaction() as store:
        await Services(store, SystemClock(), VillageSettings()).roster.import_table(Actor.operator("bench"),
                                                                                     demo_roster())
    return database


async def baseline(database: Database, count: int) -> list[float]:
    timings = []
    for number in range(count):
        started = time.perf_counter()
        async with database.transaction() as store:
            await store.updates.first_time("bench", f"base-{number}", SystemClock().now())
        timings.append(time.perf_counter() - started)
    return timings


async def engine_events(database: Database, count: int) -> list[float]:
    engine = Engine(registry.flows(), database=database, clock=SystemClock(), settings=VillageSettings(),
                    renderer=Catalogs.load(), stranger_flow=registry.STRANGER_FLOW)
    await engine.handle(Event("bench", "1", "1", EventKind.CONTACT, contact=Contact("+8613800000001", True),
                              update_ref="join"))
    timings = []
    for number in range(count):
        event = Event("bench", "1", "1", EventKind.TEXT, text="👤 我的信息", update_ref=f"e-{number}")
        started = time.perf_counter()
        await engine.handle(event)
        timings.append(time.perf_counter() - started)
    return timings


def describe(name: str, timings: list[float]) -> float:
    median = statistics.median(timings) * 1000
    p95 = statistics.quantiles(timings, n=20)[18] * 1000
    rate = len(timings) / sum(timings)
    print(f"{name:<28} median {median:6.2f} ms   p95 {p95:6.2f} ms   {rate:7.0f} /s")
    return median


async def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = await prepare(Path(folder))
        try:
            base = describe("baseline (one write txn)", await baseline(database, count))
            handled = describe("engine (/me, joined user)", await engine_events(database, count))
        finally:
            await database.close()
    print(f"ratio engine / baseline: {handled / base:.1f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=2000)
    asyncio.run(main(parser.parse_args().events))
