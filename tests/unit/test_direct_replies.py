"""Direct replies: retried with backoff and flood waits honoured, then handed to the outbox in order."""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import replace
from datetime import timedelta

from bot.channels import DeliveryError, PermanentError, RateLimitedError, TemporaryError, UnreachableError
from bot.config import ReplySettings
from bot.direct_replies import DirectReplies
from bot.telegram_layout import messages
from handlers.events import Event, EventKind
from handlers.replies import Choice, MenuView, Reply
from storage.database import Database
from village.clock import ManualClock

EVENT = Event(channel="telegram", external_id="42", chat_ref="42", kind=EventKind.TEXT, text="hi", update_ref="900")
TURN = [Reply("one"), Reply("two"), Reply("three")]


class ScriptedChannel:
    """Fails sends as scripted (None: the send goes through), recording what went out."""

    name = "telegram"

    def __init__(self, *outcomes: DeliveryError | None) -> None:
        self.outcomes = deque(outcomes)
        self.sent: list[str] = []

    async def send(self, chat_ref: str, reply: Reply, *, edit_ref: str | None = None) -> None:
        failure = self.outcomes.popleft() if self.outcomes else None
        if failure is not None:
            raise failure
        self.sent.append(str(reply.text))


def sender(channel: ScriptedChannel, database: Database, clock: ManualClock,
           waits: list[float], floods: list[timedelta] | None = None) -> DirectReplies:
    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    return DirectReplies(channel, database, clock, ReplySettings(attempts=3, backoff_seconds=0.5, max_wait_seconds=5),
                         sleep=sleep, on_flood=(floods if floods is not None else []).append)


async def queued_texts(database: Database, clock: ManualClock) -> list[str]:
    async with database.transaction() as store:
        return [str(item.payload["text"]) for item in await store.outbox.claim(clock.now() + timedelta(days=1), 8)]


async def test_flood_waits_are_waited_out_as_long_as_asked(database: Database, clock: ManualClock) -> None:
    flood = RateLimitedError(timedelta(seconds=2))
    channel, waits, floods = ScriptedChannel(flood, flood), [], []

    await sender(channel, database, clock, waits, floods).send(EVENT, TURN)

    assert (channel.sent, waits, floods) == (["one", "two", "three"], [2.0, 2.0], [timedelta(seconds=2)] * 2)


async def test_network_errors_back_off_doubling(database: Database, clock: ManualClock) -> None:
    channel, waits = ScriptedChannel(TemporaryError("502"), TemporaryError("502")), []

    await sender(channel, database, clock, waits).send(EVENT, TURN)

    assert (channel.sent, waits) == (["one", "two", "three"], [0.5, 1.0])


async def test_lasting_failure_hands_the_rest_of_the_turn_to_the_outbox_in_order(database: Database,
                                                                                 clock: ManualClock) -> None:
    channel, waits = ScriptedChannel(None, *[TemporaryError("down")] * 3), []
    replies = sender(channel, database, clock, waits)

    await replies.send(EVENT, TURN)

    assert channel.sent == ["one"]
    assert replies.queued == 2
    assert await queued_texts(database, clock) == ["two"]  # one at a time per person, "three" after it


async def test_a_longer_flood_wait_than_allowed_goes_to_the_outbox_at_once(database: Database,
                                                                           clock: ManualClock) -> None:
    channel, waits = ScriptedChannel(RateLimitedError(timedelta(seconds=60))), []
    replies = sender(channel, database, clock, waits)

    await replies.send(EVENT, TURN)

    assert (channel.sent, waits, replies.queued) == ([], [], 3)


async def test_later_replies_queue_behind_those_still_in_the_outbox(database: Database, clock: ManualClock) -> None:
    channel, waits = ScriptedChannel(RateLimitedError(timedelta(seconds=60))), []
    replies = sender(channel, database, clock, waits)
    await replies.send(EVENT, TURN)

    await replies.send(replace(EVENT, update_ref="901"), [Reply("four")])

    assert (channel.sent, replies.queued) == ([], 4)


async def test_a_refused_reply_does_not_cost_the_others_and_a_block_ends_the_turn(database: Database,
                                                                                  clock: ManualClock) -> None:
    refused, blocked, waits = ScriptedChannel(PermanentError("bad")), ScriptedChannel(UnreachableError("blocked")), []

    await sender(refused, database, clock, waits).send(EVENT, TURN)
    await sender(blocked, database, clock, waits).send(EVENT, TURN)

    assert (refused.sent, blocked.sent, waits) == (["two", "three"], [], [])


async def test_a_replys_messages_are_retried_one_by_one(database: Database, clock: ManualClock) -> None:
    channel = ScriptedChannel(None, TemporaryError("502"))
    menu = MenuView(("📣 我要反映",), "请选择：")
    question = Reply("选哪一个？", choices=((Choice("甲", "f:a"),),), menu=menu)
    replies = DirectReplies(channel, database, clock, ReplySettings(attempts=3, backoff_seconds=0.5),
                            sleep=lambda _: asyncio.sleep(0), split=messages)

    await replies.send(EVENT, [question])

    assert channel.sent == ["选哪一个？", "请选择："]  # the question went out once, the menu after its retry
