"""One person's queued messages go in the order queued, also when the first must be tried again later."""

from __future__ import annotations

from datetime import timedelta

from storage.database import Database
from village.clock import ManualClock
from village.outbox import MessageKind, NewMessage, Priority


async def queue_two(database: Database, clock: ManualClock) -> int:
    async with database.transaction() as store:
        identity = await store.identities.seen("telegram", "7", chat_ref="7", display_name="", now=clock.now())
        await store.outbox.add_many([NewMessage(f"reply:{n}", identity.id, {"text": str(n)}, Priority.URGENT,
                                                               kind=MessageKind.REPLY_FALLBACK)
                                     for n in (1, 2)], clock.now())
    return identity.id


async def claim_keys(database: Database, clock: ManualClock) -> list[str]:
    async with database.transaction() as store:
        return [item.key for item in await store.outbox.claim(clock.now(), 8)]


async def test_a_message_waiting_to_be_retried_holds_back_the_later_ones(database: Database,
                                                                          clock: ManualClock) -> None:
    await queue_two(database, clock)
    first = await claim_keys(database, clock)
    async with database.transaction() as store:
        await store.outbox.retry_later(1, clock.now() + timedelta(seconds=5), "502 Bad Gateway")

    while_waiting = await claim_keys(database, clock)
    clock.advance(timedelta(seconds=6))
    after = await claim_keys(database, clock)

    assert (first, while_waiting, after) == (["reply:1"], [], ["reply:1"])


async def test_a_message_held_by_quiet_hours_holds_nothing_back(database: Database, clock: ManualClock) -> None:
    identity_id = await queue_two(database, clock)
    async with database.transaction() as store:
        await store.outbox.add_many([NewMessage("digest", identity_id, {"text": "d"}, Priority.NORMAL,
                                                kind=MessageKind.DIGEST_MONTHLY,
                                                not_before=clock.now() + timedelta(hours=10))], clock.now())

    claimed = await claim_keys(database, clock)

    assert claimed == ["reply:1"]


async def test_a_parked_message_waits_for_the_persons_return_and_then_goes_first(database: Database,
                                                                                 clock: ManualClock) -> None:
    identity_id = await queue_two(database, clock)
    await claim_keys(database, clock)
    async with database.transaction() as store:
        await store.outbox.park(1, clock.now(), "wechat 45015: window closed")
        parked = await store.outbox.progress(None, clock.now())
    while_away = await claim_keys(database, clock)  # the second message is not held back by the parked one
    async with database.transaction() as store:
        await store.outbox.park(2, clock.now(), "wechat 45015: window closed")
        released = await store.outbox.release_parked(identity_id, clock.now())

    back = await claim_keys(database, clock)

    assert (parked.parked, parked.pending) == (1, 1)
    assert while_away == ["reply:2"]
    assert released == 2
    assert back == ["reply:1"]  # one person's messages still go one at a time, in the order queued
