"""The follow-up list's reads and marks, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from storage.database import Database
from tests.factories import bind_telegram, load_roster, person_by_phone
from village.clock import ManualClock
from village.outbox import MessageKind, NewMessage, OutboxStatus


async def queue(database: Database, clock: ManualClock, key: str, identity_ids: list[int]) -> list[int]:
    """Queue an important message to each account, claim it, and return the row ids."""
    async with database.transaction() as store:
        await store.outbox.add_many([NewMessage(f"{key}>i{i}", i, {"text": key}, kind=MessageKind.SCORE_PUBLISHED)
                                     for i in identity_ids], clock.now())
        return [item.id for item in await store.outbox.claim(clock.now(), 10)]


async def test_undelivered_rows_come_with_their_person_and_since_when(database: Database,
                                                                      clock: ManualClock) -> None:
    await load_roster(database, clock)
    zhang = await bind_telegram(database, clock, "13800000001", 1001)
    wang = await bind_telegram(database, clock, "13800000003", 1003)
    parked, blocked = await queue(database, clock, "score:1", [zhang, wang])
    clock.advance(timedelta(hours=1))
    async with database.transaction() as store:
        await store.outbox.park(parked, clock.now(), "45015")
        await store.outbox.mark_blocked(blocked, clock.now(), "403")

    async with database.transaction() as store:
        found = await store.follow_ups.candidates(1)
        elsewhere = await store.follow_ups.candidates(2)

    assert [(p.name, p.household, p.phone, u.status) for p, u in found] == [
        ("张阿婆", "1-01", "+8613800000001", OutboxStatus.PARKED), ("王大伯", "1-02", "+8613800000003",
                                                                   OutboxStatus.BLOCKED)]
    assert [u.since for _p, u in found] == [clock.now(), clock.now()]
    assert elsewhere == []  # another village's list


async def test_a_message_delivered_to_another_account_of_the_person_is_marked_so(database: Database,
                                                                                 clock: ManualClock) -> None:
    await load_roster(database, clock)
    telegram = await bind_telegram(database, clock, "13800000001", 1001)
    zhang = await person_by_phone(database, "13800000001")
    async with database.transaction() as store:
        other = await store.identities.seen("wechat", "o-zhang", chat_ref="o-zhang", display_name="", now=clock.now())
        await store.identities.bind(other.id, zhang.id)
    [blocked] = await queue(database, clock, "score:1", [telegram, other.id])  # one person: one row at a time
    async with database.transaction() as store:
        await store.outbox.mark_blocked(blocked, clock.now(), "403")
        [sent] = [item.id for item in await store.outbox.claim(clock.now(), 10)]
        await store.outbox.mark_sent(sent, clock.now())

    async with database.transaction() as store:
        [(_person, item)] = await store.follow_ups.candidates(1)

    assert item.delivered_elsewhere


async def test_marked_rows_and_records_of_people_without_accounts_leave_the_candidates(
        database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)
    zhang = await bind_telegram(database, clock, "13800000001", 1001)
    ming = await person_by_phone(database, "13800000002")
    [failed] = await queue(database, clock, "score:1", [zhang])
    async with database.transaction() as store:
        await store.outbox.mark_failed(failed, clock.now(), "400")
        await store.follow_ups.add_unreached([ming.id], "notice:1", MessageKind.NOTICE_BROADCAST, clock.now())
        await store.follow_ups.add_unreached([ming.id], "notice:1", MessageKind.NOTICE_BROADCAST, clock.now())
        before = await store.follow_ups.candidates(1)
        unqueued = [u.message_id for _p, u in before if u.status is None]
        await store.follow_ups.mark_contacted([failed], unqueued, clock.now())
        after = await store.follow_ups.candidates(1)

    assert [(p.name, u.status) for p, u in before] == [("张阿婆", OutboxStatus.FAILED), ("张小明", None)]
    assert after == []
