"""The reads every update makes: who wrote (one upsert) and the person with their roles (one query)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event

import storage.repository
from storage.database import Database
from storage.identities import IdentityRepository
from tests.factories import load_roster, person_by_phone
from village.clock import ManualClock
from village.conversations import ConversationRecord
from village.roles import Role, RoleGrant, RoleSource


async def test_seen_creates_the_identity_then_refreshes_it_keeping_what_was_bound(database: Database,
                                                                                   clock: ManualClock) -> None:
    first = clock.now()
    async with database.transaction() as store:
        created = await store.identities.seen("telegram", "42", chat_ref="42", display_name="阿婆", now=first)
        await store.identities.set_locale(created.id, "en")
    later = first + timedelta(hours=3)

    async with database.transaction() as store:
        again = await store.identities.seen("telegram", "42", chat_ref="43", display_name="x" * 150, now=later)
        other = await store.identities.seen("telegram", "99", chat_ref="99", display_name="", now=later)

    assert again.id == created.id
    assert other.id != created.id
    assert (again.chat_ref, again.display_name, again.locale) == ("43", "x" * 100, "en")


async def test_seen_takes_one_statement(database: Database, clock: ManualClock) -> None:
    statements: list[str] = []
    event.listen(database.engine.sync_engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    async with database.transaction() as store:
        await store.identities.seen("telegram", "42", chat_ref="42", display_name="", now=clock.now())
        statements.clear()
        await store.identities.seen("telegram", "42", chat_ref="42", display_name="", now=clock.now())

    assert len(statements) == 1


async def test_a_person_comes_with_every_role_in_one_query(database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)
    secretary = await person_by_phone(database, "13800000009")
    extra = RoleGrant(Role.SUPERVISOR, secretary.village_id, "", RoleSource.MANUAL)
    async with database.transaction() as store:
        await store.people.grant(secretary.id, extra)
    statements: list[str] = []
    event.listen(database.engine.sync_engine, "before_cursor_execute", lambda *a: statements.append(a[2]))

    async with database.transaction() as store:
        statements.clear()
        loaded = await store.people.get(secretary.id)
        missing = await store.people.get(10**6)

    assert loaded is not None
    assert missing is None
    assert loaded.roles == (*secretary.roles, extra)
    assert loaded.role_names() == (Role.CADRE, Role.SUPERVISOR)
    assert len(statements) == 2


async def test_a_person_without_roles_loads_with_none(database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)
    person = await person_by_phone(database, "13800000002")
    async with database.transaction() as store:
        for grant in person.roles:
            await store.people.revoke(person.id, grant)
        loaded = await store.people.get(person.id)

    assert loaded is not None
    assert loaded.roles == ()
    assert loaded.name == person.name


async def test_a_conversation_saved_after_finding_none_can_still_be_ended(database: Database,
                                                                          clock: ManualClock) -> None:
    async with database.transaction() as store:
        identity = await store.identities.seen("telegram", "42", chat_ref="42", display_name="", now=clock.now())
        assert await store.conversations.get(identity.id) is None
        await store.conversations.save(ConversationRecord(identity.id, "rpt", "DESCRIBE",
                                                          clock.now() + timedelta(hours=1), {}))
        await store.conversations.delete(identity.id)
        assert await store.conversations.get(identity.id) is None
        await store.conversations.save(ConversationRecord(identity.id, "rpt", "DESCRIBE",
                                                          clock.now() + timedelta(hours=1), {}))

    async with database.transaction() as store:
        assert await store.conversations.get(identity.id) is not None


async def test_the_identity_upsert_is_built_once_for_every_update(database: Database, clock: ManualClock,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[object] = []
    build = IdentityRepository._seen_statement
    monkeypatch.setattr(storage.repository, "_PREPARED", {})
    monkeypatch.setattr(IdentityRepository, "_seen_statement", lambda self: built.append(build(self)) or built[-1])

    for external_id in ("41", "42", "41"):
        async with database.transaction() as store:
            await store.identities.seen("telegram", external_id, chat_ref=external_id, display_name="", now=clock.now())
    async with database.transaction() as store:
        found = await store.identities.find("telegram", "42")

    assert len(built) == 1
    assert found is not None
    assert found.chat_ref == "42"
