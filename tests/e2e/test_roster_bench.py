"""The roster benchmark at a tiny size: every figure printed, and the re-import counted unchanged (not timed)."""

from __future__ import annotations

from pathlib import Path

from bench.roster import SMOKE_PEOPLE, bare_write, district_size, import_file, table, write_roster
from storage.database import sqlite_url


async def test_the_roster_benchmark_imports_a_file_twice_and_prints_every_figure(tmp_path: Path) -> None:
    path = tmp_path / "roster.xlsx"
    write_roster(path, SMOKE_PEOPLE)
    people = district_size(SMOKE_PEOPLE).people

    found = await import_file(sqlite_url(str(tmp_path / "import.db")), path)
    base = await bare_write(sqlite_url(str(tmp_path / "bare.db")), path)

    assert (found["first"]["added"], found["again"]["unchanged"]) == (people, people)
    assert found["again"]["added"] == found["again"]["updated"] == 0
    printed = table(people, {"sqlite": {"baseline": base, **found}}, [1.0, 2.0])
    header = printed.splitlines()[1]
    assert header.index("total s") < header.index("cpu s") < header.index("peak MB")
    for label in (f"{people:,} people", "under 60 s and 1024 MB", "import again", "baseline (bare)", "peak MB",
                  "cpu s", "vs baseline", f"{people} unchanged", "load average"):
        assert label in printed
