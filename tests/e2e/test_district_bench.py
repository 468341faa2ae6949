"""The generated district and its benchmark at a tiny scale: reproducible, every figure present, every lookup indexed.

SQLite plans without statistics (no ANALYZE) do not depend on a table's size, so a full scan found here would be
one at district size too. Not timed: the figures themselves come from `python -m bench.district`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bench.district import LOOKUPS, _scanned_sqlite, measure_backend, table
from bench.district_data import Size, generate
from bench.updates import FIRST_USER, prepare
from bench.workers import measure_workers, workers_table
from storage.database import Database, sqlite_url
from storage.migrate import upgrade
from storage.tables import reports

TINY = 0.002


async def district(path: Path, seed: int) -> tuple[dict[str, int], list[tuple[str, int]]]:
    url = sqlite_url(str(path))
    await upgrade(url)
    database = Database.open(url)
    try:
        generated = await generate(database, TINY, seed)
        async with database.connection() as connection:
            filed = (await connection.execute(select(reports.c.code, reports.c.reporter_id)
                                              .order_by(reports.c.id))).fetchall()
    finally:
        await database.close()
    return generated.counts, [tuple(r) for r in filed]


async def test_the_same_seed_generates_the_same_district(tmp_path: Path) -> None:
    first = await district(tmp_path / "a.db", seed=5)
    second = await district(tmp_path / "b.db", seed=5)

    assert first == second
    size = Size.at(TINY)
    assert first[0]["people"] == size.people
    assert first[0]["reports"] == size.reports
    assert first[0]["assessments"] == size.households * 12


async def test_the_benchmark_reports_every_figure_and_no_lookup_scans_a_table(tmp_path: Path) -> None:
    found = await measure_backend(sqlite_url(str(tmp_path / "district.db")), TINY, 5, 11)

    assert set(found["lookups"]) == set(LOOKUPS)
    assert all(f["n"] >= 1 and f["statements"] >= 3 for f in found["lookups"].values())
    assert found["full_scans"] == {}
    printed = table({"sqlite": found})
    for label in ("roster import s", "/queue db p50/p99 ms", "/queue statements", "meeting sign-up",
                  "digest, all villages s", "database MB", "worker RSS MB"):
        assert label in printed


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_the_workers_benchmark_reports_throughput_latency_and_cpu_for_each_count(
        db_url: str, tmp_path: Path) -> None:
    await prepare(db_url, 3)

    rows = await measure_workers(db_url, [FIRST_USER + n for n in range(3)], tmp_path, counts=(1, 2), rounds=2)

    assert [(r["workers"], r["updates"], r["unanswered"]) for r in rows] == [(1, 6, 0), (2, 6, 0)]
    assert all(r["updates_per_second"] > 0 and r["p99_ms"] >= r["p50_ms"] > 0 for r in rows)
    assert all(r["cpu_percent"]["workers"] > 0 and r["limit"] in ("cores", "database") for r in rows)
    printed = workers_table(rows)
    for label in ("updates/s", "p99 ms", "load generator", "database and other", "limit"):
        assert label in printed


def test_the_audit_lists_a_table_read_in_full_but_not_a_subquery_already_in_memory() -> None:
    assert _scanned_sqlite("SCAN reports") == {"reports"}
    assert _scanned_sqlite("SCAN anon_1") == set()
    assert _scanned_sqlite("SCAN reports USING INDEX ix_reports_village") == set()
