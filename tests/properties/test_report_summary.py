"""Filing a report with any answers, Back and restarts on the way: what the summary showed is what was stored."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path

from hypothesis import currently_in_test_context, example, given, note
from hypothesis import strategies as st

from storage.database import Database, sqlite_url
from tests.conftest import START
from tests.properties.actions import coordinates, texts
from tests.properties.exploration import catalogs
from tests.properties.filing import ReportPlan, Summary, Where, file_report
from tests.properties.phone import Phone
from tests.properties.snapshots import Snapshot, read
from tests.properties.world import BY_NAME
from village.clock import ManualClock
from village.settings import VillageSettings

CATEGORIES = len(VillageSettings().reports.categories)
places = st.one_of(st.builds(Where, point=coordinates), st.builds(Where, address=texts), st.just(Where()))
turns = st.lists(st.integers(0, 10), max_size=3).map(tuple)
plans = st.builds(ReportPlan, category=st.integers(0, CATEGORIES - 1), text=st.one_of(st.none(), texts),
                  photos=st.integers(0, 6), where=places, anonymous=st.booleans(), backs=turns, restarts=turns,
                  later_where=st.one_of(st.none(), places))


@given(plan=plans)
# found: an address that is a navigation word goes Back instead, again and again
@example(plan=ReportPlan(category=1, text="返回", photos=6, where=Where(address="返回"), anonymous=True))
# kept: Back from the summary, a restart, and a location answered again the same way
@example(plan=ReportPlan(category=2, text=None, photos=2, where=Where(point=(30.9, 121.5)), anonymous=False,
                         backs=(5, 7), restarts=(4, 6), later_where=Where(point=(31.0, 121.4))))
def test_the_summary_shows_what_is_stored(world: Path, plan: ReportPlan) -> None:
    summary, stored = asyncio.run(_file(world, plan))

    assert summary == stored


async def _file(world: Path, plan: ReportPlan) -> tuple[Summary | None, Summary | None]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "hemei.db"
        shutil.copy(world, path)
        database = Database.open(sqlite_url(str(path)))
        try:
            before = read(path)
            filing = await file_report(Phone(BY_NAME["household_head"], database, ManualClock(START), catalogs()),
                                       path, plan)
            if currently_in_test_context():
                note(f"asked: {filing.asked}")
            return filing.summary, _stored(before, read(path))
        finally:
            await database.close()


def _stored(before: Snapshot, after: Snapshot) -> Summary | None:
    """Return the new report as a summary would show it, None when nothing was filed."""
    new = [row for key, row in after.rows("reports").items() if key not in before.rows("reports")]
    if not new:
        return None
    (report,) = new
    kept = after.rows("media")
    media = [kept[(m["media_id"],)] for m in after.rows("report_media").values() if m["report_id"] == report["id"]]
    return Summary(
        category=report["category"], text=report["text"] or None, voice=any(m["kind"] == "voice" for m in media),
        photos=sum(m["kind"] == "photo" for m in media), located=report["latitude"] is not None,
        address=report["address"] or None, anonymous=bool(report["anonymous"]))
