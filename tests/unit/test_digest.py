"""一月一汇: month arithmetic, sections, the chart or its text fallback, and the job sent once per month."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import event

from bot.config import Config, load_config
from bot.fonts import find_cjk_font
from bot.i18n import Catalogs
from bot.media import MediaKeeper
from bot.scheduler import Scheduler
from handlers import registry
from handlers.charts import Panel, bar_chart, text_bar
from handlers.menu import Menu
from storage.database import Database
from tests.conftest import SHANGHAI
from tests.factories import load_roster, person_by_phone
from village.clock import ManualClock
from village.digests import month_bounds, previous_month
from village.services import Services

ROOT = Path(__file__).resolve().parents[2]
FIRST_OF_DECEMBER = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)


def scheduler(database: Database, clock: ManualClock, config: Config, media: Path, *, font: Path | None) -> Scheduler:
    return Scheduler(registry.jobs(), config, database=database, clock=clock, renderer=Catalogs.load(),
                     menu=Menu(registry.flows()), media=MediaKeeper(media / "media", config.media, database, clock),
                     cjk_font=font)


@pytest.fixture
def config(db_url: str) -> Config:
    return load_config(None, {"HEMEI_DATABASE__URL": db_url})


async def bind(database: Database, clock: ManualClock, phone: str, chat: int) -> None:
    person = await person_by_phone(database, phone)
    async with database.transaction() as store:
        identity = await store.identities.seen("telegram", str(chat), chat_ref=str(chat), display_name=str(chat),
                                               now=clock.now())
        await store.identities.bind(identity.id, person.id)


async def queued(database: Database, clock: ManualClock) -> dict[str, list[str]]:
    async with database.transaction() as store:
        items = await store.outbox.claim(datetime(2030, 1, 1, tzinfo=SHANGHAI), 100)
    found: dict[str, list[str]] = {}
    for item in items:
        found.setdefault(item.chat_ref, []).append(item.payload["text"])
    return found


def test_month_bounds_are_local_midnights() -> None:
    start, end = month_bounds(2026, 12, SHANGHAI)

    assert (start, end) == (datetime(2026, 12, 1, tzinfo=SHANGHAI), datetime(2027, 1, 1, tzinfo=SHANGHAI))


@pytest.mark.parametrize(("moment", "expected"), [
    (datetime(2026, 12, 1, 9, tzinfo=SHANGHAI), (2026, 11)),
    (datetime(2027, 1, 1, 0, 30, tzinfo=SHANGHAI), (2026, 12)),
    (datetime(2026, 11, 1, 0, 30, tzinfo=SHANGHAI), (2026, 10)),  # still October 31st in UTC
])
def test_previous_month_is_taken_in_local_time(moment: datetime, expected: tuple[int, int]) -> None:
    assert previous_month(moment, SHANGHAI) == expected


def test_text_bars_scale_to_the_longest() -> None:
    assert [text_bar(v, 8, width=4) for v in (8, 2, 0)] == ["▇▇▇▇", "▇", "▏"]


@pytest.mark.skipif(find_cjk_font() is None, reason="no CJK font installed")
def test_chart_is_a_png_as_tall_as_its_bars() -> None:
    font = find_cjk_font()
    assert font is not None

    data = bar_chart("一月一汇", [Panel("通知", (("村务公开", 3), ("活动", 0))), Panel("村民", (("已加入", 5),))], font)

    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        assert image.size[0] == 900
        assert image.size[1] > 300


async def test_membership_counts_joined_people_and_households(database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)
    await bind(database, clock, "13800000001", 1001)
    await bind(database, clock, "13800000002", 1002)
    await bind(database, clock, "13800000005", 1005)

    async with database.transaction() as store:
        figures = await Services(store, clock, load_config(None, {})).digests.membership(1, 2026, 11)

    assert (figures.households, figures.people) == (4, 9)
    assert (figures.joined_people, figures.joined_households, figures.new_people) == (3, 2, 3)


async def test_digest_goes_once_to_cadres_and_supervisors_with_a_chart(database: Database, clock: ManualClock,
                                                                        config: Config, tmp_path: Path) -> None:
    await load_roster(database, clock)
    for phone, chat in (("13800000009", 9), ("13800000011", 11), ("13800000001", 1), ("13900000009", 29)):
        await bind(database, clock, phone, chat)
    jobs = scheduler(database, clock, config, tmp_path, font=find_cjk_font())

    first = await jobs.run("monthly_digest", FIRST_OF_DECEMBER)
    second = await jobs.run("monthly_digest", FIRST_OF_DECEMBER)
    sent = await queued(database, clock)

    assert first == "digest for 2026-11: 3 message(s) queued for 2 village(s)"
    assert second == "digest for 2026-11: 0 message(s) queued for 2 village(s)"
    assert sorted(sent) == ["11", "29", "9"]
    assert sent["9"][0].startswith("📊 一月一汇 · 和美村 · 2026年11月")
    assert "▌通知公告" in sent["9"][0]
    assert "▌户数与加入和美的村民" in sent["9"][0]


async def test_digest_without_a_cjk_font_draws_its_bars_in_text(database: Database, clock: ManualClock,
                                                               config: Config, tmp_path: Path) -> None:
    await load_roster(database, clock)
    await bind(database, clock, "13800000009", 9)
    jobs = scheduler(database, clock, config, tmp_path, font=None)

    await jobs.run("monthly_digest", FIRST_OF_DECEMBER)

    async with database.transaction() as store:
        [item] = await store.outbox.claim(datetime(2030, 1, 1, tzinfo=SHANGHAI), 10)
    assert item.payload["attachment"] is None
    assert "已加入 ▇ 1\n尚未加入 ▇▇▇▇▇▇▇▇▇▇ 8" in item.payload["text"]
    assert not (tmp_path / "media").exists()


@pytest.mark.skipif(find_cjk_font() is None, reason="no CJK font installed")
async def test_digest_chart_is_kept_as_a_photo_for_the_outbox(database: Database, clock: ManualClock,
                                                              config: Config, tmp_path: Path) -> None:
    await load_roster(database, clock)
    await bind(database, clock, "13800000009", 9)
    jobs = scheduler(database, clock, config, tmp_path, font=find_cjk_font())

    await jobs.run("monthly_digest", FIRST_OF_DECEMBER)

    async with database.transaction() as store:
        [item] = await store.outbox.claim(datetime(2030, 1, 1, tzinfo=SHANGHAI), 10)
    attachment = item.payload["attachment"]
    assert attachment["kind"] == "photo"
    with Image.open(attachment["path"]) as image:
        assert image.format == "PNG"
    assert "▇" not in item.payload["text"]


async def test_dry_run_shows_the_digest_and_changes_nothing(database: Database, clock: ManualClock,
                                                          config: Config, tmp_path: Path) -> None:
    await load_roster(database, clock)
    await bind(database, clock, "13800000009", 9)
    jobs = scheduler(database, clock, config, tmp_path, font=None)

    preview = await jobs.preview("monthly_digest", FIRST_OF_DECEMBER)
    real = await jobs.run("monthly_digest", FIRST_OF_DECEMBER)

    assert preview.summary == "digest for 2026-11: 1 message(s) queued for 1 village(s)"
    assert [i.external_id for i, _ in preview.messages] == ["9"]
    assert "一月一汇" in str(preview.messages[0][1].text)
    assert real == preview.summary


async def test_a_run_for_an_earlier_time_does_not_hide_a_later_one(database: Database, clock: ManualClock,
                                                                  config: Config, tmp_path: Path) -> None:
    jobs = scheduler(database, clock, config, tmp_path, font=None)
    await jobs.run("monthly_digest", FIRST_OF_DECEMBER)

    await jobs.run("monthly_digest", datetime(2026, 10, 1, 9, tzinfo=SHANGHAI))

    async with database.transaction() as store:
        assert await store.job_runs.last_run("monthly_digest") == FIRST_OF_DECEMBER


async def test_jobs_table_shows_the_digest_on_the_first_at_nine(database: Database, clock: ManualClock,
                                                               config: Config, tmp_path: Path) -> None:
    table = await scheduler(database, clock, config, tmp_path, font=None).table()

    digest = next(job for job in table if job.name == "monthly_digest")
    assert digest.cron == "0 9 1 * *"
    assert digest.next_run == FIRST_OF_DECEMBER


def test_example_config_is_valid_and_schedules_the_digest() -> None:
    config = load_config(ROOT / "config.example.toml", {})

    assert config.schedules["monthly_digest"] == "0 9 1 * *"
    assert config.notices.progress_seconds == 2.0


async def test_the_district_digest_counts_membership_once_for_all_villages(database: Database, clock: ManualClock,
                                                                         config: Config, tmp_path: Path) -> None:
    await load_roster(database, clock)
    for phone, chat in (("13800000009", 9), ("13900000009", 29)):  # a cadre in each of the two villages
        await bind(database, clock, phone, chat)
    statements: list[str] = []
    event.listen(database.engine.sync_engine, "before_cursor_execute",
                 lambda _c, _cur, statement, *_args: statements.append(" ".join(statement.split())))

    done = await scheduler(database, clock, config, tmp_path, font=None).run("monthly_digest", FIRST_OF_DECEMBER)

    assert done == "digest for 2026-11: 2 message(s) queued for 2 village(s)"
    assert sum("identities.first_seen" in s and "GROUP BY" in s for s in statements) == 1
    # A village without a care list reads none of its people or households for the care section.
    assert not [s for s in statements if s.startswith("SELECT people.id") and "WHERE people.village_id =" in s]
