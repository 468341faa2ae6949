"""The scheduler: APScheduler cron triggers that run jobs in one transaction each.

APScheduler keeps jobs in memory, so a run missed while the bot was down is not
seen by it. At start we compare each job's latest due time with the last run
recorded in the database and run it once for that time if it is within the
grace period; `coalesce` and the misfire grace cover the bot being busy.

Timed runs and catch-ups claim their (job, time) slot in the job's own transaction, so a standby
leader taking over (see `bot.leadership`) never runs a slot the old leader already ran. A run by
hand (`hemei jobs run`, the demo's `:job`) claims nothing: it may repeat a slot on purpose.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.config import Config
from bot.fonts import find_cjk_font
from bot.i18n import Catalogs
from bot.media import MediaKeeper
from handlers import registry
from handlers.context import MediaKeeping, Notifier, Renderer
from handlers.jobs import JobContext, JobSpec
from handlers.menu import Menu
from handlers.replies import Reply
from storage.database import Database
from village.clock import Clock, ManualClock
from village.people import Identity
from village.services import Services

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobInfo:
    """A job as `hemei jobs` lists it."""

    name: str
    cron: str
    description: str
    next_run: datetime | None
    last_run: datetime | None


@dataclass(frozen=True)
class JobPreview:
    """What a job would do: its summary and each message it would queue (rendered), nothing written."""

    summary: str
    messages: list[tuple[Identity, Reply]]


class _DryRun(Exception):
    """Raised inside a preview's transaction so that it rolls back."""


class _RecordingNotifier(Notifier):
    """Collects the messages a job would queue instead of queueing them."""

    def __init__(self, services: Services, renderer: Renderer, default_locale: str) -> None:
        super().__init__(services, renderer, default_locale)
        self.recorded: list[tuple[Identity, Reply]] = []

    async def to_identities(self, identities: Iterable[Identity], key: str, reply: Reply, **options: Any) -> int:
        """Record `reply` as rendered for each identity."""
        before = len(self.recorded)
        self.recorded += [(i, self._renderer.render(reply, i.locale or self._default_locale)) for i in identities]
        return len(self.recorded) - before


class Scheduler:
    """Runs the configured jobs at their cron times and catches up missed runs."""

    def __init__(self, jobs: Sequence[JobSpec], config: Config, *, database: Database, clock: Clock,
                 renderer: Renderer, menu: Menu, on_queued: Callable[[], None] = lambda: None,
                 media: MediaKeeping | None = None, cjk_font: Path | None = None,
                 on_ran: Callable[[str, str], None] = lambda _job, _outcome: None) -> None:
        self._jobs = {job.name: job for job in jobs}
        self._on_ran = on_ran  # counts each timed or caught-up run by outcome (metrics)
        self._crons = {job.name: config.schedules.get(job.name, job.cron) for job in jobs}
        self._config = config
        self._database = database
        self._clock = clock
        self._renderer = renderer
        self._menu = menu
        self._on_queued = on_queued
        self._grace = timedelta(hours=config.scheduler.misfire_grace_hours)
        self._media = media
        self._cjk_font = cjk_font
        self._aps: AsyncIOScheduler | None = None

    def trigger(self, name: str) -> CronTrigger:
        """Return the job's cron trigger in the configured timezone."""
        return CronTrigger.from_crontab(self._crons[name], timezone=self._config.timezone)

    def start(self) -> None:
        """Register every job under its fixed id and start the APScheduler loop."""
        grace = int(self._grace.total_seconds())
        self._aps = AsyncIOScheduler(
            timezone=self._config.timezone,
            job_defaults={"coalesce": True, "misfire_grace_time": grace, "max_instances": 1},
        )
        for name in self._jobs:
            self._aps.add_job(self._fire, self.trigger(name), args=[name], id=name, name=name, replace_existing=True)
        self._aps.start()

    def shutdown(self) -> None:
        """Stop the loop; a run in progress finishes its transaction first or rolls back."""
        if self._aps is not None:
            self._aps.shutdown(wait=False)
            self._aps = None

    async def catch_up(self) -> list[str]:
        """Run once each job whose latest due time passed unrun while we were down."""
        caught = []
        async with self._database.transaction() as store:
            last_runs = await store.job_runs.all_runs()
        now = self._clock.now()
        for name in self._jobs:
            due = self.latest_due(name, now)
            if due is not None and (name not in last_runs or last_runs[name] < due):
                log.info("catching up job %s due at %s", name, due.isoformat())
                if await self.run_once(name, due) is not None:
                    caught.append(name)
        return caught

    def latest_due(self, name: str, now: datetime) -> datetime | None:
        """Return the latest cron time within the grace period up to `now`."""
        trigger, latest = self.trigger(name), None
        moment = trigger.get_next_fire_time(None, now - self._grace)
        while moment is not None and moment <= now:
            latest = moment
            moment = trigger.get_next_fire_time(moment, moment + timedelta(seconds=1))
        return latest

    async def run(self, name: str, at: datetime, *, clock: Clock | None = None) -> str:
        """Run job `name` for the time `at` in one transaction and record the run."""
        summary = await self._run(name, at, clock or self._clock, once=False)
        assert summary is not None
        return summary

    async def run_once(self, name: str, at: datetime) -> str | None:
        """Run job `name` for the slot `at` unless some process already ran it; None when skipped."""
        try:
            summary = await self._run(name, at, self._clock, once=True)
        except Exception:
            self._on_ran(name, "error")
            raise
        self._on_ran(name, "skipped" if summary is None else "ok")
        return summary

    async def _run(self, name: str, at: datetime, clock: Clock, *, once: bool) -> str | None:
        job = self._jobs[name]
        async with self._database.transaction() as store:
            if once and not await store.job_runs.claim_slot(name, at, self._clock.now()):
                log.info("job %s for %s already ran: skipped", name, at.isoformat())
                return None
            services = Services(store, clock, self._config)
            notifier = Notifier(services, self._renderer, self._config.locale)
            summary = await job.run(self._context(at, services, notifier))
            last = await store.job_runs.last_run(name)
            if last is None or at >= last:  # a run for an earlier time must not hide a later one from catch-up
                await store.job_runs.record_run(name, at, self._clock.now())
        log.info("job %s for %s: %s", name, at.isoformat(), summary)
        if notifier.queued:
            self._on_queued()
        return summary

    async def preview(self, name: str, at: datetime) -> JobPreview:
        """Run job `name` as if at `at`, collect what it would send, and roll everything back."""
        job = self._jobs[name]
        try:
            async with self._database.transaction() as store:
                services = Services(store, ManualClock(at), self._config)
                notifier = _RecordingNotifier(services, self._renderer, self._config.locale)
                summary = await job.run(self._context(at, services, notifier))
                raise _DryRun
        except _DryRun:
            pass
        return JobPreview(summary, notifier.recorded)

    def _context(self, at: datetime, services: Services, notifier: Notifier) -> JobContext:
        return JobContext(at, services, notifier, self._menu, renderer=self._renderer, media=self._media,
                          cjk_font=self._cjk_font)

    async def _fire(self, name: str) -> None:
        due = self.latest_due(name, self._clock.now()) or self._clock.now()
        try:
            await self.run_once(name, due)
        except Exception:  # APScheduler would only log it less clearly; the next run tries again
            log.exception("job %s failed", name)

    async def table(self) -> list[JobInfo]:
        """Return every job with its schedule, next run and last run."""
        async with self._database.transaction() as store:
            last_runs = await store.job_runs.all_runs()
        now = self._clock.now()
        return [
            JobInfo(name, self._crons[name], job.description, self.trigger(name).get_next_fire_time(None, now),
                    last_runs.get(name))
            for name, job in self._jobs.items()
        ]


def standalone_scheduler(config: Config, database: Database, clock: Clock, media_dir: Path | None = None) -> Scheduler:
    """Return a scheduler outside the running bot (`hemei jobs run`, the district demo's `:job`): what it queues
    the bot's dispatcher sends. Images go to `media_dir` (default: the configured folder, where the bot finds them).
    """
    media = MediaKeeper(media_dir or Path(config.media.dir), config.media, database, clock)
    return Scheduler(registry.jobs(), config, database=database, clock=clock, renderer=Catalogs.load(config.locale),
                     menu=Menu(registry.flows()), media=media, cjk_font=find_cjk_font(config.fonts.cjk_path))
