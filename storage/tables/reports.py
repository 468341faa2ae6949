"""Problem reports: the reports, their timeline, media and followers."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from storage.tables.base import metadata
from storage.types import UtcDateTime

reports = Table(
    "reports", metadata,
    Column("id", Integer, primary_key=True),
    Column("village_id", ForeignKey("villages.id", ondelete="CASCADE"), nullable=False),
    Column("month", String(4), nullable=False),  # yymm in the village's timezone
    Column("seq", Integer, nullable=False),  # per village and month: the code's last part
    Column("code", String(24), nullable=False, unique=True),
    Column("category", String(50), nullable=False),
    Column("text", Text, nullable=False),
    Column("status", String(12), nullable=False),
    Column("reporter_id", ForeignKey("people.id"), nullable=False),
    Column("filed_by_id", ForeignKey("people.id"), nullable=False),
    Column("anonymous", Boolean, nullable=False),
    Column("grid_id", ForeignKey("grids.id", ondelete="SET NULL")),
    Column("assignee_id", ForeignKey("people.id", ondelete="SET NULL"), index=True),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("datum", String(8)),  # the latitude and longitude's datum (a `Datum`); None without a point
    Column("address", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("accept_due_at", UtcDateTime, nullable=False),
    Column("deadline_at", UtcDateTime),
    Column("accepted_at", UtcDateTime),
    Column("resolved_at", UtcDateTime),
    Column("closed_at", UtcDateTime),
    Column("rating", String(12)),
    Column("merged_into_id", ForeignKey("reports.id", ondelete="SET NULL")),
    Column("resolution_note", Text, nullable=False),
    Column("reopened", Integer, nullable=False),
    # Two reports filed at once cannot take the same number: the second insert fails and retries.
    UniqueConstraint("village_id", "month", "seq"),
    Index("ix_reports_village_status_category", "village_id", "status", "category"),
    Index("ix_reports_village_created", "village_id", "created_at"),
    Index("ix_reports_reporter_created", "reporter_id", "created_at"),
    Index("ix_reports_status_accept_due", "status", "accept_due_at"),
    Index("ix_reports_status_deadline", "status", "deadline_at"),
    Index("ix_reports_status_resolved", "status", "resolved_at"),
)

report_events = Table(
    "report_events", metadata,
    Column("id", Integer, primary_key=True),
    Column("report_id", ForeignKey("reports.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("village_id", ForeignKey("villages.id", ondelete="CASCADE"), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("kind", String(24), nullable=False),
    Column("actor_id", ForeignKey("people.id", ondelete="SET NULL")),
    Column("from_status", String(12)),
    Column("to_status", String(12)),
    Column("note", Text, nullable=False),
    Column("params", JSON, nullable=False),
    Column("key", String(120), unique=True),  # a job's milestone is recorded once
    Index("ix_report_events_village_at", "village_id", "at"),
)

report_media = Table(
    "report_media", metadata,
    Column("id", Integer, primary_key=True),
    Column("report_id", ForeignKey("reports.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("purpose", String(12), nullable=False),
    Column("media_id", ForeignKey("media.id"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
)

report_followers = Table(
    "report_followers", metadata,
    Column("report_id", ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("at", UtcDateTime, nullable=False),
)
