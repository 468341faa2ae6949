"""The outbox across real process deaths: SIGKILL mid-batch loses nothing; SIGTERM sends nothing twice."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.emulator import FakeBotApi
from bot.i18n import Catalogs
from bot.processes import BotProcess, write_config
from handlers.context import Notifier
from handlers.replies import Reply
from storage.database import Database
from storage.tables import outbox
from tests.factories import bind_telegram, load_roster, person_by_phone
from village.clock import ManualClock
from village.outbox import MessageKind
from village.services import Services
from village.settings import VillageSettings

PHONES = ["13800000001", "13800000002", "13800000003", "13800000004", "13800000005"]
MESSAGES = 150
IN_FLIGHT = 8


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    emulator = FakeBotApi()
    await emulator.start()
    emulator.send_delay = 0.05  # slow enough that a kill always finds sends in flight
    yield emulator
    await emulator.stop()


async def queue_messages(database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)
    for index, phone in enumerate(PHONES):
        await bind_telegram(database, clock, phone, 4000 + index)
    people = [(await person_by_phone(database, phone)).id for phone in PHONES]
    async with database.transaction() as store:
        notifier = Notifier(Services(store, clock, VillageSettings()), Catalogs.load(), "zh_CN")
        for number in range(MESSAGES):
            await notifier.to_person(people[number % 5], f"notice:{number}", Reply(f"通知 {number}"),
                                     kind=MessageKind.NOTICE_BROADCAST)


def delivered(api: FakeBotApi) -> Counter[str]:
    return Counter(m.text for i in range(5) for m in api.messages_to(4000 + i))


async def outbox_counts(database: Database) -> tuple[int, int]:
    async with database.connection() as connection:
        sent = (await connection.execute(select(func.count()).where(outbox.c.status == "sent"))).scalar_one()
        resent = (await connection.execute(select(func.count()).where(outbox.c.resent.is_(True)))).scalar_one()
    return int(sent), int(resent)


async def prepared(config: Path) -> tuple[BotProcess, BotProcess]:
    """Return the bot and its restart, both importing already (while the test queues its messages)."""
    bot, restarted = BotProcess(config), BotProcess(config)
    await bot.prepare()
    await restarted.prepare()
    return bot, restarted


async def interrupt_midway(api: FakeBotApi, bot: BotProcess, restarted: BotProcess, stop: str) -> None:
    """Start the bot, stop it (`kill` or `terminate`) a third of the way in, start it again, let it finish."""
    await bot.start()
    await api.wait_until(lambda: sum(delivered(api).values()) >= 40)
    await getattr(bot, stop)()
    await restarted.start()
    await api.wait_until(lambda: len(delivered(api)) == MESSAGES)
    await restarted.terminate()


async def test_sigkill_mid_batch_loses_nothing_and_repeats_only_what_was_in_flight(
    api: FakeBotApi, database: Database, db_url: str, clock: ManualClock, tmp_path: Path
) -> None:
    bot, restarted = await prepared(write_config(tmp_path, api, db_url, max_in_flight=IN_FLIGHT))
    await queue_messages(database, clock)

    await interrupt_midway(api, bot, restarted, "kill")

    counts = delivered(api)
    duplicates = sum(n - 1 for n in counts.values())
    sent, resent = await outbox_counts(database)
    assert set(counts) == {f"通知 {n}" for n in range(MESSAGES)}
    assert 1 <= resent <= IN_FLIGHT  # the kill caught sends in flight, and no more than the window
    assert duplicates <= resent
    assert sent == MESSAGES


async def test_sigterm_mid_batch_sends_every_message_exactly_once(
    api: FakeBotApi, database: Database, db_url: str, clock: ManualClock, tmp_path: Path
) -> None:
    bot, restarted = await prepared(write_config(tmp_path, api, db_url, max_in_flight=IN_FLIGHT))
    await queue_messages(database, clock)

    await interrupt_midway(api, bot, restarted, "terminate")

    assert set(delivered(api).values()) == {1}
    assert await outbox_counts(database) == (MESSAGES, 0)
