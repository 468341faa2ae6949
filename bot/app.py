"""Application assembly: builds every part from the config and runs them together."""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Application, CallbackContext, Defaults, TypeHandler

from bot.broadcasts import ProgressReporter
from bot.config import Config, ConfigError
from bot.direct_replies import DirectReplies
from bot.dispatcher import Dispatcher
from bot.errors import PLAIN_SORRY, ErrorReporter
from bot.fonts import find_cjk_font
from bot.health import HealthCheck
from bot.holidays import coverage_warning
from bot.i18n import Catalogs
from bot.leadership import Leadership
from bot.media import MediaKeeper
from bot.metrics import Metrics
from bot.ops import OpsServer, ops_routes
from bot.scheduler import Scheduler
from bot.telegram import TelegramChannel, event_of
from bot.webhook import WebhookServer
from handlers import registry
from handlers.engine import Engine
from handlers.replies import Reply
from storage.database import Database
from storage.migrate import upgrade
from village.clock import Clock, SystemClock

log = logging.getLogger(__name__)

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
ROLES = ("all", "worker", "leader")  # worker: update intake only; leader: scheduler and outbox only
POLL_TIMEOUT_SECONDS = 10


class UpdateTracker:
    """Counts handled updates, so tests and the demo can wait for the bot to finish one."""

    def __init__(self) -> None:
        self._done: set[int] = set()
        self._changed = asyncio.Condition()

    async def mark(self, update_id: int) -> None:
        """Record that `update_id` was handled (or failed)."""
        async with self._changed:
            self._done.add(update_id)
            self._changed.notify_all()

    async def wait_for(self, update_id: int, within: float = 30) -> None:
        """Wait until `update_id` has been handled."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: update_id in self._done), within)


@dataclass
class Runtime:
    """Every running part of the bot."""

    config: Config
    clock: Clock
    database: Database
    catalogs: Catalogs
    application: Application[Any, Any, Any, Any, Any, Any]
    channel: TelegramChannel
    engine: Engine
    dispatcher: Dispatcher
    scheduler: Scheduler
    errors: ErrorReporter
    broadcasts: ProgressReporter
    replies: DirectReplies
    metrics: Metrics
    tracker: UpdateTracker = field(default_factory=UpdateTracker)
    webhook: WebhookServer | None = None
    ops: OpsServer | None = None
    leadership: Leadership | None = None
    timed_jobs: bool = True

    def __post_init__(self) -> None:
        self.health = HealthCheck(self.database, self.clock, leading_here=self.leading)

    def leading(self) -> bool:
        """Tell whether this process runs the scheduler and the outbox now."""
        return self.leadership is not None and self.leadership.leading

    async def start(self, *, timed_jobs: bool = True, role: str = "all") -> None:
        """Migrate, then start what the role runs: the leader's part and/or the update intake.

        The leader's part (dispatcher, scheduler) starts when this process wins leadership: at once
        on SQLite or when no other process leads. Missed jobs are always caught up; `timed_jobs=False`
        leaves the cron loop off, for tests that run jobs themselves at the time they choose.
        """
        await upgrade(self.config.database.url)
        await self.application.initialize()
        self.timed_jobs = timed_jobs
        if role != "worker":
            self.leadership = Leadership(self.config.database.url, on_gained=self._lead, on_lost=self._follow)
            await self.leadership.start()
        if role != "leader":
            await self._take_updates()
        if self.config.metrics.port:
            self.ops = OpsServer(self.health, self.metrics, listen=self.config.metrics.listen,
                                 port=self.config.metrics.port)
            await self.ops.start()
        log.info("bot @%s is running (%s, role %s)", self.application.bot.username, self.config.telegram.mode, role)
        today = self.clock.now().astimezone(self.config.timezone).date()
        warning = coverage_warning(self.config.work_calendar(), today)
        if warning:
            log.warning("working days: %s", warning)

    async def _lead(self) -> None:
        """Start the leader's part: send the outbox, catch up missed jobs, run the cron loop."""
        await self.dispatcher.start()
        await self.broadcasts.start()
        await self.scheduler.catch_up()
        if self.timed_jobs:
            self.scheduler.start()

    async def _follow(self) -> None:
        """Stop the leader's part (leadership lost, or stopping): sends in flight are recorded first."""
        self.scheduler.shutdown()
        await self.dispatcher.stop()
        await self.broadcasts.stop()

    async def _take_updates(self) -> None:
        await self.application.start()
        telegram = self.config.telegram
        if telegram.mode == "webhook":
            self.webhook = WebhookServer(self.application, telegram.webhook, ALLOWED_UPDATES,
                                         extra_routes=ops_routes(self.health, self.metrics))
            await self.webhook.start()
        else:
            updater = self.application.updater
            assert updater is not None
            await updater.start_polling(timeout=POLL_TIMEOUT_SECONDS, allowed_updates=ALLOWED_UPDATES)

    async def stop(self) -> None:
        """Stop taking updates, finish what is in flight, and close everything."""
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.webhook is not None:
            await self.webhook.stop()
        if self.ops is not None:
            await self.ops.stop()
        if self.application.running:
            await self.application.stop()
        if self.leadership is not None:
            await self.leadership.stop()
        await self.application.shutdown()
        await self.database.close()

    async def settle(self, within: float = 30) -> None:
        """Wait until the outbox has sent everything due, then bring progress messages up to date (tests, demo)."""
        await self.dispatcher.drain(within)
        await self.broadcasts.report_once()

    async def serve_forever(self, role: str = "all") -> None:
        """Run until SIGINT or SIGTERM, then stop gracefully."""
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        try:
            # inside: a start that fails (say, a rejected token) still closes what it opened
            await self.start(role=role)
            await stop.wait()
        finally:
            await self.stop()

    async def on_update(self, update: Update, context: CallbackContext[Any, Any, Any, Any]) -> None:
        """Handle one update: answer the button press (alongside), run the engine, send the replies."""
        answering = asyncio.create_task(answer_press(update))  # its failure must not cost the press
        started, kind, outcome = time.perf_counter(), "other", "ok"
        try:
            event = event_of(update)
            if event is not None:
                kind = event.kind.value
                await self.replies.send(event, await self.engine.handle(event))
        except Exception as error:  # everything unexpected goes to the one reporter, before we move on
            outcome = "error"
            await self.errors.report(update, error)
        finally:
            self.metrics.update_handled(kind, outcome, time.perf_counter() - started)
            await answering
            await self.tracker.mark(update.update_id)


async def answer_press(update: Update) -> None:
    """Stop the button's spinner; Telegram refuses answers to old presses ("query is too old"), harmlessly."""
    if update.callback_query is None:
        return
    try:
        await update.callback_query.answer()
    except TelegramError as error:
        log.info("could not answer the button press of update %s: %s", update.update_id, error)


def build_runtime(config: Config, *, clock: Clock | None = None) -> Runtime:
    """Assemble the bot from its configuration."""
    token = config.telegram.token.get_secret_value()
    if not token:
        raise ConfigError("telegram.token is empty: set it in the config file or HEMEI_TELEGRAM__TOKEN "
                          "(or try `hemei demo`, which needs none)")
    clock = clock or SystemClock()
    application = (
        Application.builder()
        .token(token)
        .base_url(config.telegram.base_url)
        .base_file_url(config.telegram.base_file_url)
        # Telegram's overall limit; RetryAfter goes to the dispatcher, which reschedules the message.
        .rate_limiter(AIORateLimiter(overall_max_rate=config.telegram.max_per_second, max_retries=0))
        .defaults(Defaults(tzinfo=config.timezone))
        .job_queue(None)  # our own APScheduler runs the jobs
        .build()
    )
    database = Database.open(config.database.url)
    catalogs = Catalogs.load(config.locale)
    channel = TelegramChannel(application)
    metrics = Metrics()
    dispatcher = Dispatcher(database, {channel.name: channel}, clock, config.outbox, on_outcome=metrics.sent)
    media = MediaKeeper(Path(config.media.dir), config.media, channel)
    font = find_cjk_font(config.fonts.cjk_path)
    engine = Engine(registry.flows(), database=database, clock=clock, settings=config, renderer=catalogs,
                    stranger_flow=registry.STRANGER_FLOW, media=media, on_queued=dispatcher.wake, cjk_font=font)
    scheduler = Scheduler(registry.jobs(), config, database=database, clock=clock, renderer=catalogs,
                          menu=engine.menu, on_queued=dispatcher.wake, media=media, cjk_font=font,
                          on_ran=metrics.job_ran)
    broadcasts = ProgressReporter(database, {channel.name: channel}, clock, config, catalogs)
    fallback = Reply(catalogs.text(PLAIN_SORRY, config.locale))
    errors = ErrorReporter(engine, channel, lambda: fallback)
    replies = DirectReplies(channel, database, clock, config.replies, on_queued=dispatcher.wake,
                            on_flood=dispatcher.hold)
    runtime = Runtime(config, clock, database, catalogs, application, channel, engine, dispatcher, scheduler, errors,
                      broadcasts, replies, metrics)
    application.add_handler(TypeHandler(Update, runtime.on_update))
    application.add_error_handler(errors.on_ptb_error)
    return runtime
