"""Benchmark: a broadcast under Telegram's limits while a resident chats; its completion against n / rate.

    python bench/broadcast.py [--recipients 1500] [--telegram 30] [--pacing budget] [--probe-every 1.0]

Everything runs in one process against the Bot API emulator, on a temporary database: the bot
through python-telegram-bot's real HTTP layer, the emulator refusing (429) more than `--telegram`
sends in any one second and more than 1 a second (bursts of 3) in one chat. First a resident sends
/me a few times with nothing else going on (the baseline); then a cadre's notice to `--recipients`
accounts is queued and, while it drains, the resident sends /me every `--probe-every` seconds.
Half-way the bot is restarted gracefully. At the end every recipient's messages are counted:
missed (none) and duplicated (more than one). The figures are compared within the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable
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
CHAT_LIMIT = (1.0, 3)  # Telegram's limit in one chat: about 1 a second, in short bursts
IDLE_PROBES = 5
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
    await bot.api.wait_until(lambda: len(bot.api.messages_to(RESIDENT.id)) > before, within=60)
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
    """Run the broadcast with probes and a restart half-way; return its figures."""
    folder = Path(tempfile.mkdtemp(prefix="hemei-bench-"))
    url = sqlite_url(str(folder / "bench.db"))
    chats = await prepare(url, args.recipients)
    environ = {"HEMEI_TELEGRAM__MAX_PER_SECOND": str(args.telegram), "HEMEI_OUTBOX__PACING": args.pacing,
               "HEMEI_OUTBOX__RATE_PER_SECOND": str(args.rate), "HEMEI_OUTBOX__POLL_SECONDS": "0.2",
               "HEMEI_QUIET_HOURS__START": "00:00", "HEMEI_QUIET_HOURS__END": "00:00",
               "HEMEI_MEDIA__DIR": str(folder / "media")}
    async with running_bot(url, environ=environ) as bot:
        await bot.tg.user_says(RESIDENT, "/start")
        await bot.tg.user_taps(RESIDENT, "📱 分享我的手机号")
        bot.api.max_sends_per_second, bot.api.chat_limit = args.telegram, CHAT_LIMIT  # Telegram's limits from here
        baseline = []
        for _ in range(IDLE_PROBES):  # at the pace of the probes below: faster would meet the chat's limit
            baseline.append(await reply_latency(bot))
            await asyncio.sleep(args.probe_every)
        queued, queueing = await queue_notice(bot)
        started = time.monotonic()
        gate = asyncio.Lock()  # a probe is not timed across the restart: that is no reply latency
        during = await _probe_while(bot, args.probe_every, gate, _drain_with_restart(bot, chats, gate))
        elapsed = time.monotonic() - started
        counts = Counter(len(bot.api.messages_to(chat)) for chat in chats)
        refused, in_chats = bot.api.refused, bot.api.refused_in_chats
    return figures(args, queued, queueing, elapsed, baseline, during) | {
        "missed": counts[0], "duplicated": sum(n for sent, n in counts.items() if sent > 1), "refused_429": refused,
        "refused_429_in_chats": in_chats}


async def _drain_with_restart(bot: Harness, chats: list[int], gate: asyncio.Lock) -> None:
    """Wait for half the recipients, restart gracefully, wait for the rest."""
    await bot.api.wait_until(lambda: delivered(bot, chats) >= len(chats) // 2, within=3600)
    async with gate:
        await bot.restart()
    await bot.api.wait_until(lambda: delivered(bot, chats) == len(chats), within=3600)


async def _probe_while(bot: Harness, every: float, gate: asyncio.Lock, work: Awaitable[None]) -> list[float]:
    """Have the resident send /me every `every` seconds until `work` is done; return the reply latencies."""
    task = asyncio.ensure_future(work)
    latencies: list[float] = []
    while not task.done():
        async with gate:
            latencies.append(await reply_latency(bot))
        await asyncio.wait({task}, timeout=every)
    await task
    return latencies


def figures(args: argparse.Namespace, queued: int, queueing: float, elapsed: float, baseline: list[float],
            during: list[float]) -> dict[str, float]:
    """The broadcast's completion against its bound (recipients at Telegram's rate) and the reply latency."""
    bound = queued / args.telegram
    return {"recipients": queued, "pacing": args.pacing, "rate_per_second": args.telegram,
            "queueing_s": round(queueing, 2), "completion_s": round(elapsed, 1),
            "bound_s": round(bound, 1), "completion_over_bound": round(elapsed / bound, 2),
            "reply_idle_p50_ms": _ms(percentile(baseline, 0.5)), "replies_during": len(during),
            "reply_during_p50_ms": _ms(percentile(during, 0.5)), "reply_during_p99_ms": _ms(percentile(during, 0.99)),
            "reply_during_max_ms": _ms(max(during, default=0.0))}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)] if ordered else 0.0


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The broadcast's flags (shared with `python -m bench`)."""
    parser.add_argument("--recipients", type=int, default=1500, help="accounts the notice goes to (default 1500)")
    parser.add_argument("--telegram", type=float, default=30,
                        help="Telegram's limit, and telegram.max_per_second (default 30)")
    parser.add_argument("--pacing", choices=("budget", "fixed"), default="budget",
                        help="outbox.pacing (default budget; fixed is the pacing before the budget)")
    parser.add_argument("--rate", type=float, default=20, help="outbox.rate_per_second with --pacing fixed (20)")
    parser.add_argument("--probe-every", type=float, default=1.0,
                        help="seconds between the resident's messages during the broadcast (default 1)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    found = asyncio.run(measure(parser.parse_args()))
    for name, value in found.items():
        print(f"{name:<24} {value}")


if __name__ == "__main__":
    main()
