"""Benchmark: a resident's reply latency with and without a large broadcast draining, and the broadcast's throughput.

    python bench/broadcast.py [--recipients 3000] [--rate 100] [--telegram 150] [--probes 20]

Everything runs in one process against the Bot API emulator, on a temporary
database: the bot through python-telegram-bot's real HTTP layer, the emulator
answering it. First a resident sends /me `--probes` times with nothing else
going on (the baseline); then a cadre's notice to `--recipients` accounts is
queued and, while it drains, the resident sends /me again as many times. The
figures printed are compared within the same run, so the machine's speed cancels out.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import time as clock_time
from pathlib import Path

from sqlalchemy import select

from bot.emulator import FakeUser
from bot.emulator.harness import Harness, running_bot
from bot.emulator.messages import user_message
from bot.i18n import Catalogs
from handlers.context import Notifier
from handlers.notices.delivery import deliver
from storage.database import Database, sqlite_url
from storage.migrate import upgrade
from storage.tables import groups, identities, people
from village.clock import SystemClock
from village.notices import Audience, AudienceKind, NoticeCategory, NoticeDraft
from village.outbox import QuietHours
from village.people import Actor
from village.services import Services
from village.settings import VillageSettings

ROSTER = [
    ["village", "village_name", "grid", "group", "household", "name", "phone", "roles"],
    ["BM01", "基准村", "一网格", "一组", "1-01", "张阿婆", "13800000001", "household_head"],
    ["BM01", "基准村", "", "", "", "李书记", "13800000009", "cadre:书记"],
]
RESIDENT = FakeUser(1001, "Alice", phone="+8613800000001")
FIRST_CHAT = 500_000
SETTINGS = VillageSettings(quiet_hours=QuietHours(start=clock_time(0), end=clock_time(0)))


async def prepare(url: str, recipients: int) -> list[int]:
    """Migrate, import a two-person roster, and add `recipients` people with bound accounts."""
    await upgrade(url)
    database = Database.open(url)
    try:
        async with database.transaction() as store:
            await Services(store, SystemClock(), SETTINGS).roster.import_table(Actor.operator("bench"), ROSTER)
        return await _seed(database, recipients)
    finally:
        await database.close()


async def _seed(database: Database, count: int) -> list[int]:
    now = SystemClock().now()
    async with database.connection() as connection:
        group = (await connection.execute(select(groups))).first()
        assert group is not None
        first = int((await connection.execute(select(people.c.id).order_by(people.c.id.desc()))).scalar() or 0) + 1
        chats = [FIRST_CHAT + i for i in range(count)]
        await connection.execute(people.insert(), [
            {"id": first + i, "village_id": group.village_id, "group_id": group.id, "grid_id": group.grid_id,
             "name": f"村民{i}", "phone": None} for i in range(count)])
        await connection.execute(identities.insert(), [
            {"channel": "telegram", "external_id": str(chat), "chat_ref": str(chat), "person_id": first + i,
             "display_name": "", "first_seen": now, "last_seen": now} for i, chat in enumerate(chats)])
    return chats


async def reply_latency(bot: Harness) -> float:
    """Send /me as the resident and return the seconds until the reply arrives."""
    before = len(bot.api.messages_to(RESIDENT.id))
    loop = asyncio.get_running_loop()
    started = loop.time()
    bot.api.push(user_message(bot.api.new_message_id(), RESIDENT.as_json(), text="/me",
                              entities=[{"type": "bot_command", "offset": 0, "length": 3}]))
    await bot.api.wait_until(lambda: len(bot.api.messages_to(RESIDENT.id)) > before, within=30)
    return loop.time() - started


async def queue_notice(bot: Harness) -> tuple[int, float]:
    """Publish a notice to the whole village as the secretary and queue it; return (rows, seconds)."""
    started = time.monotonic()
    async with bot.runtime.database.transaction() as store:
        services = Services(store, SystemClock(), bot.config)
        secretary = await store.people.by_phone("+8613800000009")
        assert secretary is not None
        draft = NoticeDraft(secretary.village_id, NoticeCategory.NOTICE, "基准测试通知",
                            Audience(AudienceKind.VILLAGE))
        notice = await services.notices.publish(Actor.of(secretary), draft)
        queued = await deliver(Notifier(services, Catalogs.load(), bot.config.locale), services, notice)
    bot.runtime.dispatcher.wake()
    return queued, time.monotonic() - started


def delivered(bot: Harness, chats: list[int]) -> int:
    return sum(1 for chat in chats if bot.api.messages_to(chat))


async def measure(args: argparse.Namespace) -> dict[str, float]:
    """Run the broadcast with probes; return its figures."""
    folder = Path(tempfile.mkdtemp(prefix="hemei-bench-"))
    url = sqlite_url(str(folder / "bench.db"))
    chats = await prepare(url, args.recipients)
    environ = {"HEMEI_TELEGRAM__MAX_PER_SECOND": str(args.telegram), "HEMEI_OUTBOX__RATE_PER_SECOND": str(args.rate),
               "HEMEI_QUIET_HOURS__START": "00:00", "HEMEI_QUIET_HOURS__END": "00:00",
               "HEMEI_MEDIA__DIR": str(folder / "media")}
    async with running_bot(url, environ=environ) as bot:
        await bot.tg.user_says(RESIDENT, "/start")
        await bot.tg.user_taps(RESIDENT, "📱 分享我的手机号")
        baseline = [await reply_latency(bot) for _ in range(args.probes)]
        queued, queueing = await queue_notice(bot)
        started = time.monotonic()
        during = []
        for probe in range(1, args.probes + 1):
            target = len(chats) * probe // (args.probes + 1)
            await bot.api.wait_until(lambda target=target: delivered(bot, chats) >= target, within=600)
            during.append(await reply_latency(bot))
        await bot.api.wait_until(lambda: delivered(bot, chats) == len(chats), within=600)
        elapsed = time.monotonic() - started
    return figures(args, queued, queueing, elapsed, baseline, during)


def figures(args: argparse.Namespace, queued: int, queueing: float, elapsed: float, baseline: list[float],
            during: list[float]) -> dict[str, float]:
    """The broadcast's completion against its bound (recipients at the outbox rate) and the reply latency."""
    bound = queued / args.rate
    return {"recipients": queued, "queueing_s": round(queueing, 2), "completion_s": round(elapsed, 1),
            "bound_s": round(bound, 1), "completion_over_bound": round(elapsed / bound, 2),
            "reply_idle_p50_ms": round(statistics.median(baseline) * 1000, 1),
            "reply_during_p50_ms": round(statistics.median(during) * 1000, 1),
            "reply_during_max_ms": round(max(during) * 1000, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=3000, help="accounts the notice goes to (default 3000)")
    parser.add_argument("--rate", type=float, default=100, help="outbox.rate_per_second (default 100)")
    parser.add_argument("--telegram", type=float, default=150, help="telegram.max_per_second (default 150)")
    parser.add_argument("--probes", type=int, default=20, help="replies measured in each phase (default 20)")
    args = parser.parse_args()
    found = asyncio.run(measure(args))
    for name, value in found.items():
        print(f"{name:<24} {value}")


if __name__ == "__main__":
    main()
