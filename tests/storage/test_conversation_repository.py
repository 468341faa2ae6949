"""Conversation state: the draft kept per visited step survives a save, and older rows still load."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from storage.database import Database
from storage.tables import conversations
from village.clock import ManualClock
from village.conversations import ConversationRecord, Visit


async def saved_record(database: Database, clock: ManualClock) -> ConversationRecord:
    async with database.transaction() as store:
        identity = await store.identities.seen("test", "7001", chat_ref="7001", display_name="", now=clock.now())
        record = ConversationRecord(identity.id, "rpt", "ANONYMITY", clock.now() + timedelta(hours=1),
                                    {"text": "树倒了", "address": "东河桥边"},
                                    (Visit("DESCRIBE", {}), Visit("LOCATION", {"text": "树倒了"})))
        await store.conversations.save(record)
    return record


async def test_each_visit_keeps_its_draft(database: Database, clock: ManualClock) -> None:
    record = await saved_record(database, clock)

    async with database.transaction() as store:
        loaded = await store.conversations.get(record.identity_id)

    assert loaded is not None
    assert loaded.history == record.history


async def test_history_saved_as_bare_state_names_loads_without_drafts(database: Database,
                                                                      clock: ManualClock) -> None:
    record = await saved_record(database, clock)
    async with database.transaction() as store:
        await store.connection.execute(update(conversations).values(history=["DESCRIBE", "LOCATION"]))

    async with database.transaction() as store:
        loaded = await store.conversations.get(record.identity_id)

    assert loaded is not None
    assert loaded.history == (Visit("DESCRIBE"), Visit("LOCATION"))
