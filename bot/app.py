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
from telegram.ext import Application, CallbackContext, Defaults, TypeHandler

from bot.broadcasts import ProgressReporter
from bot.budget import SendBudget
from bot.callback_tokens import CallbackTokens
from bot.channels import Channel
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
from bot.ops import OpsServer, asgi_ops_routes, ops_routes
from bot.rate_limits import BudgetRateLimiter
from bot.scheduler import Scheduler
from bot.telegram import TelegramChannel, event_of
from bot.telegram_layout import messages
from bot.update_order import PerPersonOrder
from bot.update_tracker import UpdateTracker
from bot.webhook import WebhookServer
from bot.wechat.endpoint import WechatEndpoint
from handlers import registry
from handlers.engine import Engine
from handlers.replies import Reply
from storage.database import Database, is_transient
from storage.migrate import upgrade
from village.clock import Clock, SystemClock

log = logging.getLogger(__name__)

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
ROLES = ("all", "worker", "leader")  # worker: update intake only; leader: scheduler and outbox only
POLL_TIMEOUT_SECONDS = 10


@dataclass
class Runtime:
    """Every running part of the bot."""

    config: Config
    clock: Clock
    database: Database
    catalogs: Catalogs
    application: Application[Any, Any, Any, Any, Any, Any] | None  # None: a WeChat-only deployment
    channel: TelegramChannel | None
    engine: Engine
    dispatcher: Dispatcher
    scheduler: Scheduler
    errors: ErrorReporter | None
    broadcasts: ProgressReporter
    replies: DirectReplies | None
    media: MediaKeeper
    budget: SendBudget
    metrics: Metrics
    tracker: UpdateTracker = field(default_factory=UpdateTracker)
    wechat: WechatEndpoint | None = None
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
        if self.application is not None:
            await self.application.initialize()
        self.timed_jobs = timed_jobs
        if role != "worker":
            self.leadership = Leadership(self.config.database.url, on_gained=self._lead, on_lost=self._follow)
            await self.leadership.start()
        if role != "leader":
            await self._take_updates(shared=role == "worker")
        if self.config.metrics.port:
            self.ops = OpsServer(self.health, self.metrics, listen=self.config.metrics.listen,
                                 port=self.config.metrics.port)
            await self.ops.start()
        if self.application is not None:
            log.info("bot @%s is running (%s, role %s)", self.application.bot.username, self.config.telegram.mode,
                     role)
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

    async def _take_updates(self, *, shared: bool) -> None:
        if self.wechat is not None:
            await self.wechat.start(extra_routes=asgi_ops_routes(self.health, self.metrics), shared=shared)
        if self.application is None:
            return
        await self.application.start()
        telegram = self.config.telegram
        if telegram.mode == "webhook":
            self.webhook = WebhookServer(self.application, telegram.webhook, ALLOWED_UPDATES, self.tracker,
                                         extra_routes=ops_routes(self.health, self.metrics))
            await self.webhook.start()
        else:
            updater = self.application.updater
            assert updater is not None
            await updater.start_polling(timeout=POLL_TIMEOUT_SECONDS, allowed_updates=ALLOWED_UPDATES)

    async def stop(self) -> None:
        """Stop taking updates, finish what is in flight, and close everything."""
        application = self.application
        updater = application.updater if application is not None else None
        if updater is not None and updater.running:
            await updater.stop()
        if self.webhook is not None:
            await self.webhook.stop()
        if self.ops is not None:
            await self.ops.stop()
        if self.wechat is not None:
            await self.wechat.stop()
        if application is not None and application.running:
            await application.stop()
        if self.replies is not None:
            await self.replies.stop()
        if self.leadership is not None:
            await self.leadership.stop()
        if application is not None:
            await application.shutdown()
        await self.database.close()

    async def settle(self, within: float = 30) -> None:
        """Wait until the outbox has sent everything due, then bring progress messages up to date (tests, demo)."""
        if self.replies is not None:
            await self.replies.flush()
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
        # A button press is answered alongside (its failure must not cost the press); a message needs nothing.
        answering = asyncio.create_task(answer_press(update)) if update.callback_query is not None else None
        started, kind, outcome = time.perf_counter(), "other", "ok"
        again = True  # until the update is through: one cancelled midway (a stop) is posted again
        try:
            event = event_of(update)
            if event is not None and self.replies is not None and self.channel is not None:
                kind = event.kind.value
                event = await self.channel.restore(event)
                # Files are copied into our store first, outside the step: the step keeps our media id.
                event = await self.media.intake(event, self.channel)
                await self.replies.handle(self.engine, event)
            again = False
        except Exception as error:  # everything unexpected goes to the one reporter, before we move on
            outcome = "error"
            # The database busy or away, and Telegram will post the update again (the webhook answers an
            # error): nothing was committed, the re-post gets the real answer. A bug would only fail again
            # (and apologise at every re-post): the apology ends the update.
            again = is_transient(error) and self.tracker.posted(update.update_id)
            if again:
                log.warning("update %s failed on the database (%s): Telegram will post it again",
                            update.update_id, type(error).__name__)
            elif self.errors is not None:
                await self.errors.report(update, error)
        finally:
            try:
                self.metrics.update_handled(kind, outcome, time.perf_counter() - started)
                if answering is not None:
                    await answering
            finally:  # always: the webhook answers Telegram only when the update is marked
                await self.tracker.mark(update.update_id, ok=not again)


async def answer_press(update: Update) -> None:
    """Stop the button's spinner; Telegram refuses answers to old presses ("query is too old"), harmlessly."""
    if update.callback_query is None:
        return
    try:
        await update.callback_query.answer()
    except TelegramError as error:
        log.info("could not answer the button press of update %s: %s", update.update_id, error)


def build_runtime(config: Config, *, clock: Clock | None = None) -> Runtime:
    """Assemble the bot from its configuration: Telegram, WeChat, or both."""
    token = config.telegram.token.get_secret_value()
    if not token and not config.wechat.enabled:
        raise ConfigError("telegram.token is empty: set it in the config file or HEMEI_TELEGRAM__TOKEN, "
                          "or configure [wechat] (or try `hemei demo`, which needs none)")
    clock = clock or SystemClock()
    for problem in config.ignored_keys():
        log.warning("configuration: %s", problem)
    budget = SendBudget(config.telegram.max_per_second, config.telegram.chat_per_second, config.telegram.chat_burst)
    application = _telegram_application(config, budget) if token else None
    database = Database.open(config.database.url, pool_size=config.database.pool_size,
                             max_overflow=config.database.max_overflow,
                             pool_timeout=config.database.pool_timeout)
    catalogs = Catalogs.load(config.locale)
    media = MediaKeeper(Path(config.media.dir), config.media, database, clock)
    channel = (TelegramChannel(application, CallbackTokens(database, clock, token), media)
               if application is not None else None)
    wechat = WechatEndpoint(config.wechat, database, clock, media, catalogs=catalogs,
                            locale=config.locale) if config.wechat.enabled else None
    channels: dict[str, Channel] = {c.name: c for c in (channel, wechat and wechat.channel) if c is not None}
    metrics = Metrics()
    dispatcher = Dispatcher(database, channels, clock, config.outbox, budget, on_outcome=metrics.sent,
                            prefer=config.routing.prefer)
    font = find_cjk_font(config.fonts.cjk_path)
    engine = Engine(registry.flows(), database=database, clock=clock, settings=config, renderer=catalogs,
                    stranger_flow=registry.STRANGER_FLOW, media=media, on_queued=dispatcher.wake, cjk_font=font,
                    qr_pictures=wechat.qr_pictures if wechat is not None else None,
                    reminder_pages=wechat.reminder_pages if wechat is not None else None)
    scheduler = Scheduler(registry.jobs(), config, database=database, clock=clock, renderer=catalogs,
                          menu=engine.menu, on_queued=dispatcher.wake, media=media, cjk_font=font,
                          on_ran=metrics.job_ran)
    broadcasts = ProgressReporter(database, channels, clock, config, catalogs)
    errors = replies = None
    if channel is not None:
        fallback = Reply(catalogs.text(PLAIN_SORRY, config.locale))
        errors = ErrorReporter(engine, channel, lambda: fallback)
        replies = DirectReplies(channel, database, clock, config.replies, on_queued=dispatcher.wake, split=messages)
    if wechat is not None:
        wechat.attach(engine, media=media, on_queued=dispatcher.wake, on_handled=metrics.update_handled)
    runtime = Runtime(config, clock, database, catalogs, application, channel, engine, dispatcher, scheduler, errors,
                      broadcasts, replies, media, budget, metrics, wechat=wechat)
    if application is not None and errors is not None:
        application.add_handler(TypeHandler(Update, runtime.on_update))
        application.add_error_handler(errors.on_ptb_error)
    return runtime


def _telegram_application(config: Config, budget: SendBudget) -> Application[Any, Any, Any, Any, Any, Any]:
    telegram = config.telegram
    return (
        Application.builder()
        .token(telegram.token.get_secret_value())
        .base_url(telegram.base_url)
        .base_file_url(telegram.base_file_url)
        # Every call to a chat takes its turn in the budget; a 429 goes back to the sender, which retries
        # (a direct reply) or reschedules the message (the outbox).
        .rate_limiter(BudgetRateLimiter(budget))
        .defaults(Defaults(tzinfo=config.timezone))
        .job_queue(None)  # our own APScheduler runs the jobs
        .concurrent_updates(PerPersonOrder(telegram.concurrent_updates) if telegram.concurrent_updates > 1 else False)
        .build()
    )
