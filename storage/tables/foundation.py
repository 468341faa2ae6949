"""Places, people, identities, joining, the audit log, the outbox, conversations and job bookkeeping."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint, false

from storage.tables.base import metadata
from storage.types import UtcDateTime

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
    # What the message is (a `MessageKind`) and how a channel treats it when delivery is uncertain.
    Column("kind", String(40), nullable=False),
    Column("important", Boolean, nullable=False),
    Column("resend_safe", Boolean, nullable=False),
    # How a sent message went out: "telegram", or on WeChat "custom", "subscription", "template", "mass",
    # "summary" (delivered inside a summary of parked messages); counted by the delivery report.
    Column("route", String(16), nullable=True),
    # When the channel last parked it for the person's return, and when a cadre marked the person contacted
    # about it (the follow-up list, village/followups.py).
    Column("parked_at", UtcDateTime),
    Column("contacted_at", UtcDateTime),
    # The dispatcher's query: due pending rows, most urgent first.
    Index("ix_outbox_due", "status", "priority", "not_before"),
    # The follow-up list's query: important rows not delivered.
    Index("ix_outbox_follow_up", "important", "status"),
)

# An important message for a person with no account on any channel (on the roster, never joined): nothing
# could be queued, so the cadres' follow-up list keeps it until one of them marks the person contacted.
unreached_messages = Table(
    "unreached_messages", metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(200), nullable=False, unique=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", String(40), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("contacted_at", UtcDateTime),
)

conversations = Table(
    "conversations", metadata,
    Column("identity_id", ForeignKey("identities.id", ondelete="CASCADE"), primary_key=True),
    Column("flow", String(32), nullable=False),
    Column("state", String(64), nullable=False),
    Column("draft", JSON, nullable=False),
    Column("history", JSON, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False, index=True),
    # Whether the current question hid the reply keyboard (it has inline buttons): the next one knows
    # whether it must send a keyboard change.
    Column("keyboard_hidden", Boolean, nullable=False, server_default=false()),
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
