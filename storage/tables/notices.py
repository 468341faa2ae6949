"""Notices (村务公开): notices, their recipients, and residents' mutes."""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Table, Text

from storage.tables.base import metadata
from storage.types import UtcDateTime

notices = Table(
    "notices", metadata,
    Column("id", Integer, primary_key=True),
    Column("village_id", ForeignKey("villages.id", ondelete="CASCADE"), nullable=False),
    Column("author_person_id", ForeignKey("people.id", ondelete="SET NULL"), index=True),
    Column("category", String(10), nullable=False),
    Column("text", Text, nullable=False),
    Column("translations", JSON, nullable=False),
    Column("attachment", JSON),
    Column("audience", JSON, nullable=False),
    Column("recipients", Integer, nullable=False),
    # The outbox batch of the deliveries, `notice:<id>`, for joining the delivery figures.
    Column("batch", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime),
    # The author's message that shows live progress (edited), when the channel gave one.
    Column("progress_channel", String(20)),
    Column("progress_chat_ref", String(64)),
    Column("progress_message_ref", String(64)),
    Column("progress_locale", String(10)),
    Index("ix_notices_village_created", "village_id", "created_at"),
    Index("ix_notices_unfinished", "finished_at", "progress_message_ref"),
)

notice_recipients = Table(
    "notice_recipients", metadata,
    Column("notice_id", ForeignKey("notices.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True),
)

notice_mutes = Table(
    "notice_mutes", metadata,
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("category", String(10), primary_key=True),
)
