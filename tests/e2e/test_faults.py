"""The fault suite: Telegram failing in every way while residents chat and a broadcast drains, and SQLite
under the dispatcher, the scheduler and many residents at once. Nothing is lost; nobody sees an apology."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.emulator import FakeUser
from bot.emulator.faults import dropped, dropped_after, flood, server_error
from bot.emulator.harness import Harness, running_bot
from handlers.context import Notifier
from handlers.replies import Reply
from storage.database import Database
from tests.e2e.conftest import ALICE, join, villager
from tests.e2e.consultation import LOW_THRESHOLDS, button_data, propose
from tests.factories import ROSTER, bind_telegram, load_roster, person_by_phone
from village.clock import ManualClock
from village.outbox import MessageKind, Priority
from village.services import Services

APOLOGY = "抱歉，系统出了点问题"
RESIDENTS = 16
EXTRA = [["FX01", "和美村", "二网格", "三组", f"3-{n + 10}", f"村民{n}", f"136000000{n:02d}", "household_head"]
         for n in range(RESIDENTS)]
NEIGHBOURS = [villager(5000 + n, f"Res{n}", f"136000000{n:02d}") for n in range(RESIDENTS)]
FAST = {"HEMEI_REPLIES__BACKOFF_SECONDS": "0.01", "HEMEI_REPLIES__MAX_WAIT_SECONDS": "0.5",
        "HEMEI_OUTBOX__POLL_SECONDS": "0.05", "HEMEI_OUTBOX__RATE_PER_SECOND": "300",
        "HEMEI_TELEGRAM__MAX_PER_SECOND": "400", "HEMEI_OUTBOX__MAX_ATTEMPTS": "20",
        # Few sends in flight at once, so that only those few can be on their way when a flood wait begins.
        "HEMEI_OUTBOX__MAX_IN_FLIGHT": "2", **LOW_THRESHOLDS}


@pytest.fixture
async def bot(db_url: str, database: Database, clock: ManualClock, tmp_path: Path) -> AsyncIterator[Harness]:
    await load_roster(database, clock, [*ROSTER, *EXTRA])
    async with running_bot(db_url, clock=clock, environ={"HEMEI_MEDIA__DIR": str(tmp_path / "media"),
                                                        **FAST}) as harness:
        harness.api.flood_grace = 0.15  # sends already in flight when a flood answer went out are not early
        yield harness


async def broadcast(bot: Harness, count: int) -> list[str]:
    """Queue `count` bulk messages spread over the first roster people, as a notice would; return the texts."""
    phones = [row[6] for row in EXTRA[:8]]
    for index, phone in enumerate(phones):
        await bind_telegram(bot.runtime.database, bot.runtime.clock, phone, 7000 + index)
    people = [await person_by_phone(bot.runtime.database, phone) for phone in phones]
    texts = [f"通知 {n}" for n in range(count)]
    async with bot.runtime.database.transaction() as store:
        notify = Notifier(Services(store, bot.runtime.clock, bot.config), bot.runtime.catalogs, "zh_CN")
        for n, text in enumerate(texts):
            await notify.to_person(people[n % len(people)].id, f"fault-notice:{n}", Reply(text),
                                   kind=MessageKind.NOTICE_BROADCAST, priority=Priority.BULK, batch="fault-notice")
    bot.runtime.dispatcher.wake()
    return texts


async def outbox_waiting(bot: Harness) -> int:
    async with bot.runtime.database.transaction() as store:
        return (await store.outbox.progress(None, bot.runtime.clock.now())).pending


async def drain_with_backoff(bot: Harness, clock: ManualClock) -> None:
    """Let the outbox's back-off pass (the clock is ours) until everything is sent."""
    for _ in range(30):
        await bot.tg.settle()
        if not await outbox_waiting(bot):
            return
        clock.advance(timedelta(minutes=10))
    raise AssertionError("the outbox never emptied")


def broadcast_received(bot: Harness) -> Counter[str]:
    # A neighbour who joined before the broadcast has a second account (5000 + n) beside the bound 7000 + n:
    # a message to the person goes to one of the two (village/routing.py).
    return Counter(m.text for index in range(8) for chat in (7000 + index, 5000 + index)
                   for m in bot.api.messages_to(chat) if m.text.startswith("通知 "))


async def test_every_kind_of_failure_loses_nothing_and_replies_resume(bot: Harness, clock: ManualClock) -> None:
    await join(bot, ALICE)
    texts = await broadcast(bot, 60)
    bot.api.inject(flood(0.4), flood(0.4), flood(0.4), server_error(500), server_error(502), server_error(500),
                   dropped(), dropped(), dropped(), dropped_after(), dropped_after())

    before = len(bot.tg.replies_to(ALICE))
    for step in ("📣 我要反映", "垃圾/环境卫生", "路灯坏了", "⬅️ 返回"):  # each once the last answer has arrived
        await (bot.tg.user_says(ALICE, step) if step == "路灯坏了" else bot.tg.user_taps(ALICE, step))
        await drain_with_backoff(bot, clock)
    after = await bot.tg.user_says(ALICE, "❌ 取消")

    received = broadcast_received(bot)
    assert not bot.api.faults.pending  # every fault was served
    assert set(received) == set(texts)  # nothing lost
    assert sum(received.values()) - len(texts) <= 2  # only a send whose answer was lost may arrive twice
    assert bot.api.early_calls == 0  # every flood wait was honoured
    shown = [m.text for m in bot.tg.replies_to(ALICE)[before:]]
    assert not [text for text in shown if APOLOGY in text]
    assert "请说一说是什么问题" in " ".join(shown)
    assert [m.text for m in after] == ["已取消。"]  # replies resume, directly


async def test_dispatcher_scheduler_and_many_residents_at_once_lock_nobody_out(
        bot: Harness, clock: ManualClock, caplog: pytest.LogCaptureFixture) -> None:
    await join(bot, ALICE)
    await propose(bot, ALICE, "修建篮球场", "年轻人想打球")
    first = NEIGHBOURS[0]
    await join(bot, first)
    await bot.tg.user_taps(first, "💬 议题征集")
    await bot.tg.user_taps(first, "修建篮球场 👍0")
    support = button_data(bot, first, "👍 附议")
    texts = await broadcast(bot, 40)

    async def neighbour(user: FakeUser) -> None:
        if user is not first:
            await join(bot, user)
        await bot.tg.user_presses_data(user, support)

    with caplog.at_level(logging.WARNING):
        await asyncio.gather(*(neighbour(user) for user in NEIGHBOURS),
                             bot.runtime.scheduler.run("prune_updates", clock.now()),
                             bot.runtime.scheduler.run("monthly_digest", clock.now()))
        await drain_with_backoff(bot, clock)

    assert set(broadcast_received(bot)) == set(texts)
    seen = [m.text for user in [ALICE, *NEIGHBOURS] for m in bot.tg.replies_to(user)]
    assert not [text for text in seen if APOLOGY in text]
    assert "database is locked" not in caplog.text
    await bot.tg.user_taps(first, "💬 议题征集")
    assert f"修建篮球场 👍{RESIDENTS}" in bot.tg.buttons(first)  # every support counted: no lost update
