"""Consultation (议事协商): topics and supports, meetings, sign-ups, attendance, major matters."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from storage.tables.base import metadata
from storage.types import UtcDateTime

meetings = Table(
    "meetings", metadata,
    Column("id", Integer, primary_key=True),
    Column("village_id", ForeignKey("villages.id", ondelete="CASCADE"), nullable=False),
    Column("level", String(16), nullable=False),
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE")),
    Column("title", String(100), nullable=False),
    Column("venue_type", String(20), nullable=False),
    Column("venue_name", String(100), nullable=False),
    Column("starts_at", UtcDateTime, nullable=False),
    Column("ends_at", UtcDateTime, nullable=False),
    Column("signup_deadline", UtcDateTime, nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("status", String(12), nullable=False),
    Column("version", Integer, nullable=False, default=1),
    Column("checkin_code", String(8), nullable=False),
    Column("created_by", ForeignKey("people.id", ondelete="SET NULL")),
    Column("created_at", UtcDateTime, nullable=False),
    Column("published_at", UtcDateTime),
    Column("cancelled_at", UtcDateTime),
    Column("cancel_reason", Text),
    Column("resolution", Text),
    Column("resolution_at", UtcDateTime),
    Column("result", Text),
    Column("result_at", UtcDateTime),
    CheckConstraint("capacity >= 1", name="capacity_positive"),
    CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    # The pages' and the digest's query: a village's meetings by time.
    Index("ix_meetings_village_starts", "village_id", "starts_at"),
    # The reminder job's query: published meetings starting soon.
    Index("ix_meetings_status_starts", "status", "starts_at"),
    Index("ix_meetings_village_code", "village_id", "checkin_code"),
)

topics = Table(
    "topics", metadata,
    Column("id", Integer, primary_key=True),
    Column("village_id", ForeignKey("villages.id", ondelete="CASCADE"), nullable=False),
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE")),
    Column("level", String(16), nullable=False),
    Column("title", String(100), nullable=False),
    Column("body", Text),
    Column("voice_media_id", ForeignKey("media.id")),
    Column("proposer_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("status", String(12), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("threshold_reached_at", UtcDateTime),
    Column("meeting_id", ForeignKey("meetings.id", ondelete="SET NULL"), index=True),
    Column("scheduled_at", UtcDateTime),
    Column("decided_by", ForeignKey("people.id", ondelete="SET NULL")),
    Column("decided_at", UtcDateTime),
    Column("decline_reason", Text),
    Index("ix_topics_village_status", "village_id", "status"),
    Index("ix_topics_village_created", "village_id", "created_at"),
)

topic_supports = Table(
    "topic_supports", metadata,
    Column("topic_id", ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("created_at", UtcDateTime, nullable=False),
)

meeting_signups = Table(
    "meeting_signups", metadata,
    Column("id", Integer, primary_key=True),
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("status", String(12), nullable=False),
    # A confirmed sign-up holds a seat from 1 to the capacity; waitlisted ones hold none (NULL).
    # Each seat of a meeting is unique, so racing sign-ups can never overbook.
    Column("seat", Integer),
    Column("queued_at", UtcDateTime, nullable=False),
    Column("confirmed_at", UtcDateTime),
    UniqueConstraint("meeting_id", "person_id"),
    UniqueConstraint("meeting_id", "seat"),
    CheckConstraint("(status = 'confirmed' AND seat IS NOT NULL AND seat >= 1)"
                    " OR (status = 'waitlisted' AND seat IS NULL)", name="seat_matches_status"),
    Index("ix_meeting_signups_meeting_status_queued", "meeting_id", "status", "queued_at"),
)

meeting_attendance = Table(
    "meeting_attendance", metadata,
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("method", String(8), nullable=False),
    Column("marked_by", ForeignKey("people.id", ondelete="SET NULL")),
    Column("checked_in_at", UtcDateTime, nullable=False),
)

# Wrong check-in codes, kept so that the attempt limits survive a restart. Each wrong code writes
# one row for the person (meeting_id NULL) and one for every meeting it may have been for: the one
# named, or without one every meeting of the person's scope open for check-in at the time.
checkin_failures = Table(
    "checkin_failures", metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE")),
    Column("failed_at", UtcDateTime, nullable=False),
    Index("ix_checkin_failures_person", "person_id", "failed_at"),
    Index("ix_checkin_failures_meeting", "meeting_id"),
)

matters = Table(
    "matters", metadata,
    Column("id", Integer, primary_key=True),
    Column("village_id", ForeignKey("villages.id", ondelete="CASCADE"), nullable=False),
    Column("title", String(100), nullable=False),
    Column("description", Text),
    Column("status", String(10), nullable=False),
    # How many stages are recorded; a stage is written only where this equals its position,
    # so no stage can be skipped or recorded twice, even by two cadres at once.
    Column("stages_done", Integer, nullable=False, default=0),
    Column("opened_by", ForeignKey("people.id", ondelete="SET NULL")),
    Column("opened_at", UtcDateTime, nullable=False),
    Index("ix_matters_village_opened", "village_id", "opened_at"),
)

matter_stages = Table(
    "matter_stages", metadata,
    Column("id", Integer, primary_key=True),
    Column("matter_id", ForeignKey("matters.id", ondelete="CASCADE"), nullable=False),
    Column("stage", String(20), nullable=False),
    Column("position", Integer, nullable=False),
    Column("held_on", Date, nullable=False),
    Column("outcome", Text, nullable=False),
    Column("document_kind", String(10)),
    Column("document_media_id", ForeignKey("media.id")),
    Column("document_name", String(200)),
    Column("representatives", Integer),
    Column("votes_for", Integer),
    Column("votes_against", Integer),
    Column("recorded_by", ForeignKey("people.id", ondelete="SET NULL")),
    Column("recorded_at", UtcDateTime, nullable=False),
    UniqueConstraint("matter_id", "stage"),
    UniqueConstraint("matter_id", "position"),
)

matter_stage_attendees = Table(
    "matter_stage_attendees", metadata,
    Column("stage_id", ForeignKey("matter_stages.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True),
)
