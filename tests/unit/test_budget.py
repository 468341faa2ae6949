"""The send budget on a fake clock: lanes by priority, the full rate for whoever is left, chat limits, flood scopes."""

from __future__ import annotations

import asyncio

import pytest

from bot.budget import WINDOW, FloodWait, Lane, Scope, SendBudget, lane_of
from village.outbox import Priority


class FakeTime:
    """A clock that moves only when the budget sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.moved = asyncio.Condition()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        async with self.moved:
            self.now += delay
            self.moved.notify_all()

    async def reaches(self, moment: float) -> None:
        async with self.moved:
            await self.moved.wait_for(lambda: self.now >= moment)


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


def budget(fake: FakeTime, per_second: float = 10, chat_per_second: float = 1, chat_burst: int = 3) -> SendBudget:
    return SendBudget(per_second, chat_per_second, chat_burst, now=fake, sleep=fake.sleep)


async def grants(fake: FakeTime, sends: SendBudget, wanted: list[tuple[str, Lane]]) -> list[tuple[str, float]]:
    """Ask for every send at once (in order); return (chat, when granted) in the order granted."""
    granted: list[tuple[str, float]] = []

    async def one(chat: str, lane: Lane) -> None:
        async with sends.slot(chat, lane):  # answered at once
            granted.append((chat, round(fake.now, 3)))

    tasks = [asyncio.create_task(one(chat, lane)) for chat, lane in wanted]
    await asyncio.gather(*tasks)
    return granted


async def test_a_broadcast_alone_takes_the_whole_rate(fake: FakeTime) -> None:
    sends = budget(fake, per_second=10)

    granted = await grants(fake, sends, [(f"c{n}", Lane.BROADCAST) for n in range(10)])

    assert [at for _, at in granted] == [round(n * 0.1, 3) for n in range(10)]


async def test_replies_then_personal_messages_go_before_a_broadcast_queued_earlier(fake: FakeTime) -> None:
    sends = budget(fake, per_second=10)
    wanted = [(f"b{n}", Lane.BROADCAST) for n in range(3)] + [("p", Lane.PERSONAL), ("r", Lane.REPLY)]

    granted = await grants(fake, sends, wanted)

    assert granted == [("r", 0.0), ("p", 0.1), ("b0", 0.2), ("b1", 0.3), ("b2", 0.4)]


async def test_a_reply_during_a_broadcast_takes_the_next_token(fake: FakeTime) -> None:
    sends = budget(fake, per_second=10)
    broadcast = asyncio.create_task(grants(fake, sends, [(f"b{n}", Lane.BROADCAST) for n in range(20)]))
    await fake.reaches(0.95)
    asked = fake.now

    async with sends.slot("r", Lane.REPLY):
        pass

    assert fake.now - asked <= 0.1 + 1e-9
    assert len(await broadcast) == 20


async def test_a_chat_gets_a_short_burst_then_one_a_second_without_holding_up_others(fake: FakeTime) -> None:
    sends = budget(fake, per_second=10, chat_per_second=1, chat_burst=3)
    wanted = [("alice", Lane.PERSONAL)] * 5 + [("bob", Lane.BROADCAST)]

    granted = await grants(fake, sends, wanted)

    assert [at for chat, at in granted if chat == "alice"] == [0.0, 0.1, 0.2, 1.0, 2.0]
    assert ("bob", 0.3) in granted


async def test_a_reply_is_not_held_to_its_chats_pace_but_uses_it_up(fake: FakeTime) -> None:
    sends = budget(fake, per_second=10, chat_per_second=1, chat_burst=1)

    granted = await grants(fake, sends, [("alice", Lane.REPLY)] * 3 + [("alice", Lane.PERSONAL)])

    assert granted == [("alice", 0.0), ("alice", 0.1), ("alice", 0.2), ("alice", 1.2)]


async def test_a_429_in_a_chat_just_sent_to_pauses_that_chat_only(fake: FakeTime) -> None:
    sends = budget(fake)
    await grants(fake, sends, [("alice", Lane.PERSONAL)] * 2)

    scope = sends.flooded("alice", 2.0)

    assert scope is Scope.CHAT
    with pytest.raises(FloodWait) as refused:
        await sends.acquire("alice", Lane.REPLY)
    assert (refused.value.scope, refused.value.seconds) == (Scope.CHAT, 2.0)
    await sends.acquire("bob", Lane.BROADCAST)  # others go on
    fake.now += 2.0
    await sends.acquire("alice", Lane.PERSONAL)


async def test_a_429_in_a_chat_not_sent_to_lately_pauses_the_whole_bot(fake: FakeTime) -> None:
    sends = budget(fake)
    await grants(fake, sends, [("alice", Lane.BROADCAST)])
    fake.now += 5

    scope = sends.flooded("alice", 1.5)

    assert scope is Scope.BOT
    assert sends.paused_for() == 1.5
    with pytest.raises(FloodWait) as refused:
        await sends.acquire("bob", Lane.REPLY)
    assert refused.value.scope is Scope.BOT


async def test_two_chats_limited_at_once_pause_the_whole_bot(fake: FakeTime) -> None:
    sends = budget(fake)
    await grants(fake, sends, [("alice", Lane.PERSONAL), ("alice", Lane.PERSONAL), ("bob", Lane.PERSONAL),
                               ("bob", Lane.PERSONAL)])

    first, second = sends.flooded("alice", 1), sends.flooded("bob", 1)

    assert (first, second) == (Scope.CHAT, Scope.BOT)
    assert sends.floods == {Scope.CHAT: 1, Scope.BOT: 1}


async def test_a_send_waiting_in_a_chat_that_gets_paused_is_refused(fake: FakeTime) -> None:
    sends = budget(fake, chat_burst=1)
    await sends.acquire("alice", Lane.PERSONAL)
    waiting = asyncio.create_task(sends.acquire("alice", Lane.PERSONAL))
    await asyncio.sleep(0)

    sends.flooded("alice", 3)

    with pytest.raises(FloodWait):
        await waiting


def test_bulk_messages_are_broadcasts_and_the_rest_personal() -> None:
    assert [lane_of(p) for p in Priority] == [Lane.PERSONAL, Lane.PERSONAL, Lane.BROADCAST]


async def test_sends_in_flight_keep_their_place_until_a_second_after_their_answer(fake: FakeTime) -> None:
    sends = budget(fake, per_second=2)
    await sends.acquire("a", Lane.BROADCAST)
    await sends.acquire("b", Lane.BROADCAST)  # both in flight, unanswered
    third = asyncio.create_task(sends.acquire("c", Lane.BROADCAST))
    await fake.sleep(3)  # however long: nothing answered, nothing more may go

    assert not third.done()
    answered_at = fake.now
    sends.answered()
    await third
    assert fake.now == pytest.approx(answered_at + WINDOW)


async def test_a_send_cancelled_once_granted_gives_its_place_back(fake: FakeTime) -> None:
    sends = budget(fake, per_second=1)
    granted_then_cancelled = asyncio.create_task(sends.acquire("a", Lane.BROADCAST))
    await asyncio.sleep(0)
    await asyncio.sleep(0)  # the budget grants it; the task has not resumed yet
    granted_then_cancelled.cancel()

    with pytest.raises(asyncio.CancelledError):
        await granted_then_cancelled
    await asyncio.wait_for(sends.acquire("b", Lane.BROADCAST), 5)  # a leaked place would block it for ever

    assert sends.granted[Lane.BROADCAST] == 2
