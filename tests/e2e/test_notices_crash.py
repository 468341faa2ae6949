"""A broadcast survives `kill -9`: the real `hemei run` in a subprocess, killed mid-way and started again.

Every recipient gets the notice at least once; the only messages that may arrive
twice are the ones in flight when the process died, and the outbox counts them.
"""

from __future__ import annotations

import signal
from collections import Counter
from datetime import time
from pathlib import Path

from sqlalchemy import func, select

from bot.emulator import FakeBotApi
from bot.i18n import Catalogs
from bot.processes import BotProcess, write_config
from handlers.context import Notifier
from handlers.notices.delivery import deliver
from storage.database import Database
from storage.tables import identities, outbox
from tests.factories import load_roster, person_by_phone
from tests.seeding import seed_accounts
from village.clock import SystemClock
from village.notices import Audience, AudienceKind, NoticeCategory, NoticeDraft
from village.outbox import QuietHours
from village.people import Actor
from village.services import Services
from village.settings import VillageSettings

MAX_IN_FLIGHT = 8
# Many claim batches (of MAX_IN_FLIGHT) before the kill and after it; the kill comes a third of the way in.
RECIPIENTS = 600
KILL_AFTER = 200


async def publish(database: Database) -> str:
    """Publish a notice to 三组 as the secretary and queue its deliveries, as the Send button does."""
    clock, settings = SystemClock(), VillageSettings(quiet_hours=QuietHours(start=time(0), end=time(0)))
    secretary = await person_by_phone(database, "13800000009")
    async with database.transaction() as store:
        services = Services(store, clock, settings)
        group = next(g for g in await store.places.groups(secretary.village_id) if g.name == "三组")
        draft = NoticeDraft(secretary.village_id, NoticeCategory.NOTICE, "明天上午停电检修。",
                            Audience(AudienceKind.GROUPS, (group.id,)))
        notice = await services.notices.publish(Actor.of(secretary), draft)
        await deliver(Notifier(services, Catalogs.load(), settings.locale), services, notice)
    return notice.batch


async def outbox_rows(database: Database, batch: str) -> dict[str, int]:
    """Count the batch's rows by status, and those flagged as resent after a crash."""
    async with database.connection() as connection:
        rows = await connection.execute(select(outbox.c.status, func.count()).where(outbox.c.batch == batch)
                                        .group_by(outbox.c.status))
        counts = {status: int(n) for status, n in rows}
        resent = await connection.execute(select(func.count()).where(outbox.c.batch == batch, outbox.c.resent))
        counts["resent"] = int(resent.scalar() or 0)
    return counts


async def chats_in_flight(database: Database, batch: str) -> set[int]:
    """Return the chats of the rows the dead process had claimed but not recorded."""
    async with database.connection() as connection:
        rows = await connection.execute(select(identities.c.chat_ref).join(
            outbox, outbox.c.identity_id == identities.c.id).where(outbox.c.batch == batch,
                                                                    outbox.c.status == "sending"))
        return {int(r.chat_ref) for r in rows}


def messages(api: FakeBotApi, chats: list[int]) -> int:
    return sum(len(api.messages_to(chat)) for chat in chats)


def reached(api: FakeBotApi, chats: list[int]) -> set[int]:
    return {chat for chat in chats if api.messages_to(chat)}


async def test_broadcast_killed_midway_reaches_everyone_with_only_in_flight_sends_repeated(
        db_url: str, database: Database, tmp_path: Path) -> None:
    api = FakeBotApi()
    await api.start()
    api.max_sends_per_second = 400
    config = write_config(tmp_path, api, db_url, max_in_flight=MAX_IN_FLIGHT)
    first, second = BotProcess(config), BotProcess(config)
    try:
        await first.prepare()  # the imports run while the village is seeded
        await second.prepare()
        await load_roster(database, SystemClock())
        chats = await seed_accounts(database, "三组", RECIPIENTS, now=SystemClock().now())
        batch = await publish(database)
        await first.start()
        await api.wait_until(lambda: len(reached(api, chats)) >= KILL_AFTER, within=30)
        await first.kill()
        # Claimed but unrecorded: those that had reached Telegram before the kill will arrive twice.
        in_flight = await chats_in_flight(database, batch)
        repeated = in_flight & reached(api, chats)
        await second.start()
        await api.wait_until(lambda: messages(api, chats) == len(chats) + len(repeated), within=30)
    finally:
        await second.terminate()
        await first.kill()
        await api.stop()

    per_chat = Counter({chat: len(api.messages_to(chat)) for chat in chats})
    assert first.returncode == -signal.SIGKILL
    assert second.returncode == 0, second.log.read_text(encoding="utf-8")[-2000:]
    assert min(per_chat.values()) == 1
    assert {chat for chat, count in per_chat.items() if count > 1} == repeated
    assert len(repeated) <= len(in_flight) <= MAX_IN_FLIGHT
    assert await outbox_rows(database, batch) == {"sent": RECIPIENTS, "resent": len(in_flight)}
