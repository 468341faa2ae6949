"""Per-update throughput and latency of Hemei against a bare python-telegram-bot echo bot on the same emulator.

Closed loop: each of `residents` accounts sends one update, waits for the bot to finish it, and sends the
next, `rounds` times. Both bots speak to the Bot API emulator through PTB's real HTTP layer; Hemei's rate
limiter is lifted (telegram.max_per_second) so that the figures are Hemei's own cost. The database round
trips are every statement, commit and rollback the bot's engine sent during a phase, per update.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event, select
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.emulator import FakeBotApi, FakeUser
from bot.emulator.harness import Harness, running_bot
from bot.emulator.messages import command_entities, user_message
from storage.database import Database
from storage.migrate import upgrade
from storage.tables import identities, people
from village.clock import SystemClock
from village.convention.spec import DEFAULT_CONVENTION
from village.people import Actor
from village.services import Services
from village.settings import VillageSettings

FIRST_USER = 700_000
HEADER = ["village", "village_name", "grid", "group", "household", "name", "phone", "roles"]
# A step is the texts one resident sends in turn; the report step opens the report and leaves it.
STEPS: dict[str, tuple[str, ...]] = {"/menu": ("/menu",), "/score": ("/score",), "report": ("📣 我要反映", "❌ 取消")}
Sender = Callable[[FakeUser, str], Awaitable[None]]


@dataclass(frozen=True)
class Phase:
    """What one closed-loop phase measured."""

    bot: str
    step: str
    residents: int
    latencies: list[float]
    elapsed: float
    round_trips: int = 0

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.elapsed

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(int(len(ordered) * share), len(ordered) - 1)]

    @property
    def round_trips_per_update(self) -> float:
        return self.round_trips / len(self.latencies)

    def figures(self) -> dict[str, Any]:
        return {"bot": self.bot, "step": self.step, "residents": self.residents, "updates": len(self.latencies),
                "updates_per_second": round(self.throughput, 1), "p50_ms": round(self.percentile(0.5) * 1000, 1),
                "p90_ms": round(self.percentile(0.9) * 1000, 1), "p99_ms": round(self.percentile(0.99) * 1000, 1),
                "round_trips_per_update": round(self.round_trips_per_update, 1)}


def residents(count: int) -> list[FakeUser]:
    return [FakeUser(FIRST_USER + n, f"R{n}", phone=f"+86139{n:08d}") for n in range(count)]


async def prepare(url: str, count: int) -> None:
    """Migrate; import `count` household heads and the default convention; bind each to a Telegram account."""
    await upgrade(url)
    table = [HEADER] + [["BM01", "基准村", "一网格", "一组", f"1-{n:04}", f"村民{n}", f"139{n:08d}", "household_head"]
                        for n in range(count)]
    database = Database.open(url)
    try:
        async with database.transaction() as store:
            services = Services(store, SystemClock(), VillageSettings())
            await services.roster.import_table(Actor.operator("bench"), table)
            await services.conventions.import_spec(Actor.operator("bench"), "BM01", DEFAULT_CONVENTION)
        now = SystemClock().now()
        async with database.connection() as connection:
            rows = (await connection.execute(select(people.c.id, people.c.phone).order_by(people.c.id))).all()
            await connection.execute(identities.insert(), [
                {"channel": "telegram", "external_id": str(FIRST_USER + n), "chat_ref": str(FIRST_USER + n),
                 "person_id": row.id, "display_name": f"R{n}", "first_seen": now, "last_seen": now,
                 "locale": None} for n, row in enumerate(rows)])
    finally:
        await database.close()


async def closed_loop(users: list[FakeUser], texts: tuple[str, ...], rounds: int, send: Sender) -> tuple[list[float],
                                                                                                           float]:
    """Let every user send `texts` in turn `rounds` times, each waiting for its answer; return latencies, elapsed."""
    latencies: list[float] = []

    async def one(user: FakeUser) -> None:
        for number in range(rounds):
            text = texts[number % len(texts)]
            started = time.perf_counter()
            await send(user, text)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(one(user) for user in users))
    return latencies, time.perf_counter() - started


def push(api: FakeBotApi, user: FakeUser, text: str) -> int:
    return api.push(user_message(api.new_message_id(), user.as_json(), text=text,
                                 **({"entities": command_entities(text)} if text.startswith("/") else {})))


async def echo_phase(count: int, rounds: int) -> Phase:
    """The floor: a bare PTB bot that answers every text with the same text, on its own emulator."""
    api = FakeBotApi()
    await api.start()

    async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(update.effective_message.text or "")

    application = Application.builder().token(api.token).base_url(api.base_url).build()
    application.add_handler(MessageHandler(filters.TEXT, echo))

    async def send(user: FakeUser, text: str) -> None:
        before = len(api.messages_to(user.id))
        push(api, user, text)
        await api.wait_until(lambda: len(api.messages_to(user.id)) > before)

    try:
        await application.initialize()
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(timeout=10)
        latencies, elapsed = await closed_loop(residents(count), ("/menu",), rounds, send)
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
    finally:
        await api.stop()
    return Phase("echo", "echo", count, latencies, elapsed)


class RoundTrips:
    """Counts what the bot's engine sends to the database: statements, commits and rollbacks."""

    def __init__(self, database: Database) -> None:
        self.count = 0
        engine = database.engine.sync_engine
        for name in ("before_cursor_execute", "commit", "rollback"):
            event.listen(engine, name, self._seen)

    def _seen(self, *_args: Any, **_kwargs: Any) -> None:
        self.count += 1


async def hemei_phases(url: str, count: int, rounds: int, media: Path, concurrent: int = 1) -> list[Phase]:
    """Run each step's closed loop against the real bot; one resident first, then all of them."""
    environ = {"HEMEI_TELEGRAM__MAX_PER_SECOND": "1000", "HEMEI_MEDIA__DIR": str(media),
               "HEMEI_TELEGRAM__CONCURRENT_UPDATES": str(concurrent)}
    phases = []
    async with running_bot(url, environ=environ) as bot:
        trips = RoundTrips(bot.runtime.database)
        users = residents(count)
        await closed_loop(users, ("/menu",), 1, _sender(bot))  # warm up: first-time loads, every account seen
        for step, texts in STEPS.items():
            for group in ([users[0]], users) if count > 1 else ([users[0]],):
                before = trips.count
                latencies, elapsed = await closed_loop(group, texts, rounds, _sender(bot))
                phases.append(Phase("hemei", step, len(group), latencies, elapsed, trips.count - before))
    return phases


def _sender(bot: Harness) -> Sender:
    tracker = bot.runtime.tracker

    async def send(user: FakeUser, text: str) -> None:
        await tracker.wait_for(push(bot.api, user, text))

    return send
