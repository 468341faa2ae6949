"""Broadcasts to thousands: Telegram's limit respected, exactly once across a graceful restart, replies not stuck.

These bots run on the real clock (a flood wait is retried after real seconds) with
quiet hours off, and at raised rates so that a thousand messages take seconds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator

import pytest

from bot.emulator import FakeUser
from bot.emulator.harness import Harness, running_bot
from bot.emulator.messages import message_json, user_message
from storage.database import Database
from tests.e2e.conftest import ALICE, SECRETARY, join
from tests.e2e.test_notices_compose import compose
from tests.factories import load_roster
from tests.seeding import seed_accounts
from village.clock import ManualClock

NO_QUIET_HOURS = {"HEMEI_QUIET_HOURS__START": "00:00", "HEMEI_QUIET_HOURS__END": "00:00"}
# With the secretary, 1,000 people: figures with a thousands separator, and over two seconds of sending at the
# full rate (so several one-second windows to check the limit in), half before the restart and half after.
CROWD = 999


def press_without_waiting(bot: Harness, user: FakeUser, label: str) -> None:
    """Tap an inline button and return at once (the driver would wait for the whole broadcast)."""
    sent = next(m for m in reversed(bot.api.messages_to(user.id)) if label in m.inline_labels)
    rows = (sent.reply_markup or {})["inline_keyboard"]
    data = next(b["callback_data"] for row in rows for b in row if b["text"] == label)
    message = message_json(sent.message_id, user.id, bot.api.bot_user, text=sent.text, reply_markup=sent.reply_markup)
    bot.api.push({"callback_query": {"id": f"cb-{sent.message_id}", "from": user.as_json(),
                                     "chat_instance": str(user.id), "data": data, "message": message}})


def delivered(bot: Harness, chats: list[int]) -> int:
    return sum(1 for chat in chats if bot.api.messages_to(chat))


def busiest_second(times: list[float]) -> int:
    """Return the most sends the emulator accepted within any one second."""
    most, start = 0, 0
    for end, moment in enumerate(times):
        while times[start] < moment - 1:
            start += 1
        most = max(most, end - start + 1)
    return most


@pytest.fixture
async def crowd(db_url: str, database: Database, clock: ManualClock) -> AsyncIterator[tuple[Harness, list[int]]]:
    """999 accounts in 三组; the emulator refuses more than 400 sends a second, the bot aims for 300."""
    await load_roster(database, clock)
    chats = await seed_accounts(database, "三组", CROWD, now=clock.now())
    environ = {"HEMEI_TELEGRAM__MAX_PER_SECOND": "380", "HEMEI_OUTBOX__RATE_PER_SECOND": "300",
               "HEMEI_NOTICES__PROGRESS_SECONDS": "0.5", **NO_QUIET_HOURS}
    async with running_bot(db_url, environ=environ) as harness:
        harness.api.max_sends_per_second = 400
        await join(harness, SECRETARY)
        yield harness, chats


async def test_broadcast_to_a_thousand_is_delivered_exactly_once_across_a_graceful_restart(
        crowd: tuple[Harness, list[int]]) -> None:
    bot, chats = crowd
    await compose(bot, picks=("⬜ 三组",))
    press_without_waiting(bot, SECRETARY, "✅ 发送")
    await bot.api.wait_until(lambda: delivered(bot, chats) >= CROWD // 2, within=30)

    await bot.restart()
    await bot.runtime.settle(within=60)

    per_chat = Counter({chat: len(bot.api.messages_to(chat)) for chat in chats})
    report = next(m for m in bot.tg.replies_to(SECRETARY) if m.text.startswith("✅ 通知 #1")).text
    assert bot.runtime.dispatcher.resent_after_crash == 0
    assert set(per_chat.values()) == {1}
    assert "发给 1,000 人；实际发出消息 999 条\n已送达：999\n" in report
    assert "可能重复" not in report
    assert busiest_second(bot.api.send_times()) <= 400


@pytest.fixture
async def steady(db_url: str, database: Database, clock: ManualClock) -> AsyncIterator[tuple[Harness, list[int]]]:
    """400 accounts; the bot may send 150 a second, the outbox takes 100 of them and leaves the rest to replies.

    The emulator's limit (250 in any one second) is above what the two leaky buckets can let through
    after a pause (a full bucket plus a second's refill), so no reply is ever refused here.
    """
    await load_roster(database, clock)
    chats = await seed_accounts(database, "三组", 400, now=clock.now())
    environ = {"HEMEI_TELEGRAM__MAX_PER_SECOND": "150", "HEMEI_OUTBOX__RATE_PER_SECOND": "100", **NO_QUIET_HOURS}
    async with running_bot(db_url, environ=environ) as harness:
        harness.api.max_sends_per_second = 250
        await join(harness, SECRETARY)
        await join(harness, ALICE)
        yield harness, chats


async def overtaken_by_reply(bot: Harness, user: FakeUser, chats: list[int]) -> int:
    """Send /me; return how many broadcast messages went out before the reply arrived (counted, not timed:
    on a busy machine the broadcast slows down too, and a wall-clock bound failed there)."""
    before, sent = len(bot.api.messages_to(user.id)), delivered(bot, chats)
    bot.api.push(user_message(bot.api.new_message_id(), user.as_json(), text="/me",
                              entities=[{"type": "bot_command", "offset": 0, "length": 3}]))
    await bot.api.wait_until(lambda: len(bot.api.messages_to(user.id)) > before, within=10)
    return delivered(bot, chats) - sent


async def test_residents_get_replies_at_once_while_a_broadcast_drains(
        steady: tuple[Harness, list[int]]) -> None:
    bot, chats = steady
    await compose(bot, picks=("⬜ 三组",))
    press_without_waiting(bot, SECRETARY, "✅ 发送")

    overtaken = []
    for threshold in (50, 150, 250):
        await bot.api.wait_until(lambda threshold=threshold: delivered(bot, chats) >= threshold, within=20)
        overtaken.append(await overtaken_by_reply(bot, ALICE, chats))
        assert delivered(bot, chats) < len(chats), "the broadcast should still be running"
    await bot.runtime.settle(within=30)

    # A reply queued behind the broadcast would arrive only after its rest (150 to 350 at the thresholds), which
    # the assertion in the loop rules out for every reply. Typically a reply waits only for the sends in flight (a
    # handful); one step slowed by another test process on the same two cores was overtaken by 164 once (at 150 a
    # second, about a second), so the typical reply is judged by the median of the three, not by the slowest.
    assert sorted(overtaken)[1] < 100, overtaken
    assert bot.tg.last_text(ALICE).startswith("姓名：张阿婆")
    assert delivered(bot, chats) == len(chats)
