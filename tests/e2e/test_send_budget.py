"""The send budget end to end, under the emulator's Telegram limits (so many a second overall, and per chat).

A broadcast takes the whole rate, yet a resident chatting meanwhile is answered at once; nobody is
missed or sent twice across a graceful restart; a 429 in one chat holds that chat only. The bots run
on the real clock, at raised rates so that hundreds of messages take seconds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.budget import Scope
from bot.emulator.harness import Harness, running_bot
from bot.emulator.messages import user_message
from handlers.context import Notifier
from handlers.replies import Reply
from storage.database import Database
from storage.tables import identities
from tests.e2e.conftest import ALICE, SECRETARY, join
from tests.e2e.test_notices_broadcast import delivered, press_without_waiting
from tests.e2e.test_notices_compose import compose
from tests.factories import bind_telegram, load_roster, person_by_phone
from tests.seeding import seed_accounts
from village.clock import ManualClock
from village.outbox import MessageKind, Priority
from village.services import Services

RATE = 100  # Telegram's limit in this emulator, and the budget: the same figure, no headroom
NO_QUIET_HOURS = {"HEMEI_QUIET_HOURS__START": "00:00", "HEMEI_QUIET_HOURS__END": "00:00"}
ENVIRON = {"HEMEI_TELEGRAM__MAX_PER_SECOND": str(RATE), "HEMEI_TELEGRAM__CHAT_PER_SECOND": "1",
           "HEMEI_TELEGRAM__CHAT_BURST": "3", "HEMEI_OUTBOX__POLL_SECONDS": "0.1", **NO_QUIET_HOURS}


@pytest.fixture
async def village(db_url: str, database: Database, clock: ManualClock) -> AsyncIterator[tuple[Harness, list[int]]]:
    """300 accounts in 三组; the emulator refuses more than RATE sends in any one second."""
    await load_roster(database, clock)
    chats = await seed_accounts(database, "三组", 300, now=clock.now())
    async with running_bot(db_url, environ=ENVIRON) as harness:
        await join(harness, SECRETARY)
        await join(harness, ALICE)
        harness.api.max_sends_per_second = RATE
        yield harness, chats


async def reply_arrives(bot: Harness, chats: list[int], text: str) -> int:
    """Send `text` as Alice without waiting for the outbox; return how many broadcast messages went out
    before her answer arrived (counted, not timed: on a busy machine the broadcast slows down too)."""
    before, sent = len(bot.api.messages_to(ALICE.id)), delivered(bot, chats)
    entities = [{"type": "bot_command", "offset": 0, "length": len(text)}] if text.startswith("/") else []
    bot.api.push(user_message(bot.api.new_message_id(), ALICE.as_json(), text=text, entities=entities))
    await bot.api.wait_until(lambda: len(bot.api.messages_to(ALICE.id)) > before, within=10)
    return delivered(bot, chats) - sent


async def chat_during(bot: Harness, chats: list[int], thresholds: tuple[int, ...]) -> list[int]:
    """Have Alice ask for her card each time the broadcast passes a threshold; each answer must beat the broadcast."""
    overtaken = []
    for threshold in thresholds:
        await bot.api.wait_until(lambda threshold=threshold: delivered(bot, chats) >= threshold, within=20)
        overtaken.append(await reply_arrives(bot, chats, "/me"))
        assert delivered(bot, chats) < len(chats), "the reply waited for the broadcast"
    return overtaken


async def test_a_broadcast_at_the_full_rate_leaves_replies_unstarved_and_reaches_everyone_once_across_a_restart(
        village: tuple[Harness, list[int]]) -> None:
    bot, chats = village
    await compose(bot, picks=("⬜ 三组",))
    press_without_waiting(bot, SECRETARY, "✅ 发送")
    bot.api.chat_limit = (1, 3)  # from here on: the cadre tapped through the composer faster than that

    before = await chat_during(bot, chats, (30, 90))
    await bot.restart()
    after = await chat_during(bot, chats, (180, 240))
    await bot.runtime.settle(within=30)

    per_chat = Counter({chat: len(bot.api.messages_to(chat)) for chat in chats})
    assert set(per_chat.values()) == {1}  # nobody missed, nobody twice
    assert bot.runtime.dispatcher.resent_after_crash == 0
    # Every reply beat the broadcast's rest (60 to 270 at the thresholds: asserted in chat_during). Typically a reply
    # waits only for the sends in flight (0 to 6 here); a step slowed by other processes on the same cores was
    # overtaken by 75 once, so three of the four replies, not all, must come within half a second of the full rate.
    overtaken = sorted(before + after)
    assert overtaken[2] < RATE // 2, overtaken
    assert bot.tg.last_text(ALICE).startswith("姓名：张阿婆")
    assert bot.api.refused == 0  # Telegram's limits kept: no 429 at all


@pytest.fixture
async def quiet(db_url: str, database: Database, clock: ManualClock) -> AsyncIterator[tuple[Harness, list[int]]]:
    """120 accounts and Alice bound without chatting; her chat allows one message in 2 s in bursts of 2, less than
    the bot assumes (1/s in bursts of 3), so the third in a row is refused with a wait of up to 2 s: long enough for
    the group to go on meanwhile, however fast this machine sends."""
    await load_roster(database, clock)
    chats = await seed_accounts(database, "三组", 120, now=clock.now())
    await bind_telegram(database, clock, "13800000001", ALICE.id)
    async with running_bot(db_url, environ=ENVIRON) as harness:
        harness.api.max_sends_per_second = RATE
        harness.api.chat_limit = (0.5, 2)
        yield harness, chats


async def queue_for_alice_and_the_group(bot: Harness, chats: list[int], count: int) -> list[str]:
    """Queue `count` messages to Alice and a bulk one to every seeded account, in one go; return Alice's texts."""
    texts = [f"您的反映有新进展 {n}" for n in range(count)]
    alice = await person_by_phone(bot.runtime.database, "13800000001")
    async with bot.runtime.database.connection() as connection:
        query = select(identities.c.person_id).where(identities.c.chat_ref.in_([str(chat) for chat in chats]))
        group = list((await connection.execute(query)).scalars())
    async with bot.runtime.database.transaction() as store:
        notify = Notifier(Services(store, bot.runtime.clock, bot.config), bot.runtime.catalogs, "zh_CN")
        for n, text in enumerate(texts):
            await notify.to_person(alice.id, f"progress:{n}", Reply(text), kind=MessageKind.REPORT_STATUS_CHANGED,
                                   priority=Priority.URGENT)
        await notify.to_people(group, "bulk", Reply("村里通知"), kind=MessageKind.NOTICE_BROADCAST,
                               priority=Priority.BULK, batch="bulk")
    bot.runtime.dispatcher.wake()
    return texts


async def test_a_429_in_one_chat_holds_that_chat_only(quiet: tuple[Harness, list[int]]) -> None:
    bot, chats = quiet
    texts = await queue_for_alice_and_the_group(bot, chats, 4)

    await bot.runtime.settle(within=30)

    alice = bot.api.messages_to(ALICE.id)
    assert [m.text for m in alice] == texts  # all of them, in order
    assert bot.api.refused >= 1  # her third message in a row met her chat's limit
    assert bot.api.early_chat_calls == 0  # and her chat's wait was honoured
    assert bot.runtime.budget.floods[Scope.BOT] == 0
    # Her chat's pause: from the first 429 in her chat to her next message (which one is refused depends on how
    # fast this machine sends; timed from her second message to her third, 1 of the group was seen once).
    paused_from = next(at for chat, at, _wait in bot.api.chat_refusals if chat == ALICE.id)
    paused_to = next(m.at for m in alice if m.at > paused_from)
    during = [t for chat in chats for t in (m.at for m in bot.api.messages_to(chat)) if paused_from < t < paused_to]
    assert len(during) >= 30  # the others were sent meanwhile
    assert delivered(bot, chats) == len(chats)
