"""The start of every update: recording it and its sender (one statement on PostgreSQL), then the person and the
conversation (one read). Each statement is a round trip on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event

from storage.database import Database
from tests.factories import load_roster, person_by_phone
from village.clock import ManualClock
from village.conversations import ConversationRecord, Visit
from village.roles import Role, RoleGrant, RoleSource


def counted(database: Database) -> list[str]:
    statements: list[str] = []
    event.listen(database.engine.sync_engine, "before_cursor_execute",
                 lambda *a: None if str(a[2]).startswith("BEGIN") else statements.append(str(a[2])))
    return statements


async def test_arriving_records_the_update_and_the_sender_in_one_statement_on_postgresql(
        database: Database, clock: ManualClock, backend: str) -> None:
    statements = counted(database)

    async with database.transaction() as store:
        identity = await store.arrivals.arrive("telegram", "42", update_ref="u1", chat_ref="42", display_name="阿婆",
                                               now=clock.now())

    assert identity is not None
    assert (identity.external_id, identity.display_name, identity.person_id) == ("42", "阿婆", None)
    assert len(statements) == (1 if backend == "postgresql" else 2), statements


async def test_a_redelivered_update_arrives_as_none_and_leaves_the_sender_untouched(
        database: Database, clock: ManualClock) -> None:
    async with database.transaction() as store:
        first = await store.arrivals.arrive("telegram", "42", update_ref="u1", chat_ref="42", display_name="a",
                                            now=clock.now())
    clock.advance(timedelta(minutes=5))

    async with database.transaction() as store:
        again = await store.arrivals.arrive("telegram", "42", update_ref="u1", chat_ref="43", display_name="b",
                                            now=clock.now())
        other = await store.arrivals.arrive("wechat", "42", update_ref="u1", chat_ref="42", display_name="c",
                                            now=clock.now())
        found = await store.identities.find("telegram", "42")

    assert first is not None
    assert other is not None
    assert again is None
    assert found == first
    assert other.id != first.id


async def test_a_later_update_refreshes_the_sender_keeping_what_was_bound(database: Database,
                                                                        clock: ManualClock) -> None:
    async with database.transaction() as store:
        first = await store.arrivals.arrive("telegram", "42", update_ref="u1", chat_ref="42", display_name="a",
                                            now=clock.now())
        assert first is not None
        await store.identities.set_locale(first.id, "en")
    later = clock.now() + timedelta(hours=1)

    async with database.transaction() as store:
        again = await store.arrivals.arrive("telegram", "42", update_ref="u2", chat_ref="43", display_name="x" * 150,
                                            now=later)
        unnumbered = await store.arrivals.arrive("telegram", "42", update_ref=None, chat_ref="43", display_name="y",
                                                 now=later)

    assert again is not None
    assert unnumbered is not None
    assert (again.id, again.chat_ref, again.display_name, again.locale) == (first.id, "43", "x" * 100, "en")
    assert again.last_seen == later
    assert unnumbered.display_name == "y"


async def test_whose_reads_the_person_with_every_role_and_the_conversation_in_one_statement(
        database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)
    secretary = await person_by_phone(database, "13800000009")
    extra = RoleGrant(Role.SUPERVISOR, secretary.village_id, "", RoleSource.MANUAL)
    record = ConversationRecord(0, "rpt", "DESCRIBE", clock.now() + timedelta(hours=1), {"category": "绿化"},
                                (Visit("CATEGORY", {}),), True)
    async with database.transaction() as store:
        await store.people.grant(secretary.id, extra)
        identity = await store.arrivals.arrive("telegram", "9", update_ref="u1", chat_ref="9", display_name="",
                                               now=clock.now())
        assert identity is not None
        await store.identities.bind(identity.id, secretary.id)
        record = ConversationRecord(identity.id, *list(record.__dict__.values())[1:])
        await store.conversations.save(record)
    statements = counted(database)

    async with database.transaction() as store:
        person, conversation = await store.arrivals.whose(identity)

    assert person is not None
    assert person.roles == (*secretary.roles, extra)
    assert conversation == record
    assert len(statements) == 1, statements


async def test_whose_finds_a_stranger_without_a_conversation_and_ending_it_costs_nothing(
        database: Database, clock: ManualClock) -> None:
    async with database.transaction() as store:
        identity = await store.arrivals.arrive("telegram", "42", update_ref="u1", chat_ref="42", display_name="",
                                               now=clock.now())
    assert identity is not None
    statements = counted(database)

    async with database.transaction() as store:
        found = await store.arrivals.whose(identity)
        await store.conversations.delete(identity.id)

    assert found == (None, None)
    assert len(statements) == 1, statements


async def test_saving_a_conversation_over_another_is_one_statement(database: Database, clock: ManualClock) -> None:
    async with database.transaction() as store:
        identity = await store.arrivals.arrive("telegram", "42", update_ref="u1", chat_ref="42", display_name="",
                                               now=clock.now())
        assert identity is not None
        await store.conversations.save(ConversationRecord(identity.id, "rpt", "CATEGORY", clock.now(), {}))
    statements = counted(database)
    later = ConversationRecord(identity.id, "rpt", "DESCRIBE", clock.now() + timedelta(hours=1), {"a": 1},
                               (Visit("CATEGORY", {}),))

    async with database.transaction() as store:
        await store.conversations.save(later)
    async with database.transaction() as store:
        stored = await store.conversations.get(identity.id)

    assert stored == later
    assert len(statements) == 2, statements  # the upsert, then the read
