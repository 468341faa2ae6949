"""The scheduler catches up a run missed while the bot was down, once, within the grace period."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.config import load_config
from bot.i18n import Catalogs
from bot.scheduler import Scheduler
from handlers import registry
from handlers.menu import Menu
from storage.database import Database
from tests.conftest import SHANGHAI
from village.clock import ManualClock

DAILY_AT_TEN = {"HEMEI_SCHEDULES__PRUNE_UPDATES": "0 10 * * *", "HEMEI_SCHEDULER__MISFIRE_GRACE_HOURS": "12"}


def scheduler(database: Database, clock: ManualClock) -> Scheduler:
    config = load_config(None, DAILY_AT_TEN)
    return Scheduler(registry.jobs(), config, database=database, clock=clock, renderer=Catalogs.load(),
                     menu=Menu(registry.flows()))


async def last_run(database: Database) -> datetime | None:
    async with database.transaction() as store:
        return await store.job_runs.last_run("prune_updates")


async def test_a_run_missed_while_down_is_caught_up_once(database: Database) -> None:
    clock = ManualClock(datetime(2026, 12, 1, 10, 5, tzinfo=SHANGHAI))

    first = await scheduler(database, clock).catch_up()
    after_restart = await scheduler(database, clock).catch_up()

    assert "prune_updates" in first
    assert "prune_updates" not in after_restart
    assert await last_run(database) == datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI)


async def test_the_next_day_is_caught_up_again(database: Database) -> None:
    clock = ManualClock(datetime(2026, 12, 1, 10, 5, tzinfo=SHANGHAI))
    await scheduler(database, clock).catch_up()
    clock.advance(timedelta(days=1))

    caught = await scheduler(database, clock).catch_up()

    assert "prune_updates" in caught
    assert await last_run(database) == datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI)


async def test_a_run_older_than_the_grace_period_is_skipped(database: Database) -> None:
    clock = ManualClock(datetime(2026, 12, 1, 23, 0, tzinfo=SHANGHAI))

    caught = await scheduler(database, clock).catch_up()

    assert "prune_updates" not in caught


async def test_latest_due_time_and_listing(database: Database) -> None:
    clock = ManualClock(datetime(2026, 12, 1, 9, 59, tzinfo=SHANGHAI))
    jobs = scheduler(database, clock)

    table = {job.name: job for job in await jobs.table()}

    assert jobs.latest_due("prune_updates", clock.now()) is None  # yesterday's 10:00 is beyond the grace
    assert jobs.latest_due("prune_updates", clock.now() + timedelta(minutes=2)) == datetime(
        2026, 12, 1, 10, 0, tzinfo=SHANGHAI)
    assert table["prune_updates"].next_run == datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI)
    assert table["prune_updates"].cron == "0 10 * * *"


async def test_a_slot_another_process_ran_is_not_run_again(database: Database) -> None:
    clock = ManualClock(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI))
    slot = clock.now()
    old_leader, standby = scheduler(database, clock), scheduler(database, clock)

    first = await old_leader.run_once("prune_updates", slot)
    clock.advance(timedelta(minutes=1))
    again = await standby.run_once("prune_updates", slot)
    caught = await standby.catch_up()

    assert first is not None
    assert again is None
    assert "prune_updates" not in caught


async def test_a_run_by_hand_repeats_a_slot_on_purpose(database: Database) -> None:
    clock = ManualClock(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI))
    jobs = scheduler(database, clock)
    await jobs.run_once("prune_updates", clock.now())

    assert await jobs.run("prune_updates", clock.now())
