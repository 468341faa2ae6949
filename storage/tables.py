"""The schema as SQLAlchemy Core tables; Alembic revisions create and change it."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from storage.types import UtcDateTime

# Named constraints let later migrations alter tables on SQLite (batch mode).
metadata = MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

villages = Table(
    "villages", metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(8), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
)

grids = Table(
    "grids", metadata,
    Column("id", Integer, primary_key=True),
    Column("village_id", ForeignKey("villages.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(100), nullable=False),
    UniqueConstraint("village_id", "name"),
)

groups = Table(
    "groups", metadata,
    Column("id", Integer, primary_key=True),
    Column("village_id", ForeignKey("villages.id", ondelete="CASCADE"), nullable=False),
    Column("grid_id", ForeignKey("grids.id"), nullable=False),
    Column("name", String(100), nullable=False),
    UniqueConstraint("village_id", "name"),
)

households = Table(
    "households", metadata,
    Column("id", Integer, primary_key=True),
    Column("village_id", ForeignKey("villages.id", ondelete="CASCADE"), nullable=False),
    Column("group_id", ForeignKey("groups.id"), nullable=False, index=True),
    Column("label", String(100), nullable=False),
    UniqueConstraint("village_id", "label"),
)

people = Table(
    "people", metadata,
    Column("id", Integer, primary_key=True),
    Column("village_id", ForeignKey("villages.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("household_id", ForeignKey("households.id"), index=True),
    Column("group_id", ForeignKey("groups.id"), index=True),
    Column("grid_id", ForeignKey("grids.id"), index=True),
    Column("name", String(50), nullable=False),
    Column("phone", String(20), unique=True),
)

roles = Table(
    "roles", metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("role", String(20), nullable=False),
    Column("village_id", ForeignKey("villages.id", ondelete="CASCADE")),
    Column("title", String(50), nullable=False, default=""),
    Column("source", String(10), nullable=False),
    UniqueConstraint("person_id", "role", "village_id", name="uq_roles_person_role_village"),
    Index("ix_roles_village_role", "village_id", "role"),
)

identities = Table(
    "identities", metadata,
    Column("id", Integer, primary_key=True),
    Column("channel", String(20), nullable=False),
    Column("external_id", String(64), nullable=False),
    Column("chat_ref", String(64), nullable=False),
    Column("person_id", ForeignKey("people.id", ondelete="SET NULL"), index=True),
    Column("locale", String(10)),
    Column("display_name", String(100), nullable=False, default=""),
    Column("unreachable_since", UtcDateTime),
    Column("first_seen", UtcDateTime, nullable=False),
    Column("last_seen", UtcDateTime, nullable=False),
    UniqueConstraint("channel", "external_id", name="uq_identities_channel_external"),
)

invites = Table(
    "invites", metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("household_id", ForeignKey("households.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("village_id", ForeignKey("villages.id", ondelete="CASCADE"), nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
)

join_requests = Table(
    "join_requests", metadata,
    Column("id", Integer, primary_key=True),
    Column("identity_id", ForeignKey("identities.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("village_id", ForeignKey("villages.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(50), nullable=False),
    Column("phone", String(20)),
    Column("status", String(10), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("decided_at", UtcDateTime),
    Column("decided_by", ForeignKey("people.id", ondelete="SET NULL")),
    Column("person_id", ForeignKey("people.id", ondelete="SET NULL")),
    Index("ix_join_requests_village_status", "village_id", "status"),
)

audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UtcDateTime, nullable=False),
    Column("actor_label", String(64), nullable=False),
    Column("actor_person_id", ForeignKey("people.id", ondelete="SET NULL")),
    Column("village_id", ForeignKey("villages.id", ondelete="SET NULL")),
    Column("action", String(64), nullable=False),
    Column("target", String(128), nullable=False),
    Column("before", JSON),
    Column("after", JSON),
    Index("ix_audit_log_village_at", "village_id", "at"),
)

outbox = Table(
    "outbox", metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(200), nullable=False, unique=True),
    Column("identity_id", ForeignKey("identities.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("payload", JSON, nullable=False),
    Column("priority", Integer, nullable=False),
    Column("status", String(10), nullable=False),
    Column("not_before", UtcDateTime, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("resent", Boolean, nullable=False, default=False),
    Column("batch", String(64), index=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("claimed_at", UtcDateTime),
    Column("sent_at", UtcDateTime),
    Column("last_error", Text),
    # The dispatcher's query: due pending rows, most urgent first.
    Index("ix_outbox_due", "status", "priority", "not_before"),
)

conversations = Table(
    "conversations", metadata,
    Column("identity_id", ForeignKey("identities.id", ondelete="CASCADE"), primary_key=True),
    Column("flow", String(32), nullable=False),
    Column("state", String(64), nullable=False),
    Column("draft", JSON, nullable=False),
    Column("history", JSON, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False, index=True),
)

job_runs = Table(
    "job_runs", metadata,
    Column("name", String(64), primary_key=True),
    Column("scheduled_for", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime, nullable=False),
)

processed_updates = Table(
    "processed_updates", metadata,
    Column("channel", String(20), primary_key=True),
    Column("update_ref", String(64), primary_key=True),
    Column("at", UtcDateTime, nullable=False, index=True),
)

# --- notices ---

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
