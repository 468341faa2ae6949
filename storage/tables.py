"""The schema as SQLAlchemy Core tables; Alembic revisions create and change it."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
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

# --- reports ---

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
    Column("kind", String(10), nullable=False),
    Column("file_ref", String(200), nullable=False),
    Column("path", String(300), nullable=False),
    Column("size", Integer, nullable=False),
    Column("mime_type", String(100)),
    Column("position", Integer, nullable=False),
)

report_followers = Table(
    "report_followers", metadata,
    Column("report_id", ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("at", UtcDateTime, nullable=False),
)

# --- convention ---

conventions = Table(
    "conventions", metadata,
    Column("id", Integer, primary_key=True),
    Column("village_id", ForeignKey("villages.id", ondelete="CASCADE"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("period_kind", String(10), nullable=False),
    Column("smile_min", Integer, nullable=False),
    Column("flat_min", Integer, nullable=False),
    Column("passing_faces", JSON, nullable=False),
    Column("annual_reward_fen", Integer, nullable=False),
    Column("retained_percent", Integer, nullable=False),
    Column("homestead_reward_fen", Integer, nullable=False),
    Column("homestead_pass_min", Integer, nullable=False),
    Column("spot_check_reduction_percent", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    # The version in force is the village's highest; versions are never updated.
    UniqueConstraint("village_id", "version"),
)

convention_clauses = Table(
    "convention_clauses", metadata,
    Column("id", Integer, primary_key=True),
    Column("convention_id", ForeignKey("conventions.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("name", String(30), nullable=False),
    Column("points", Integer, nullable=False),
    Column("step", Integer, nullable=False),
    Column("description", String(200), nullable=False, default=""),
    UniqueConstraint("convention_id", "name"),
)

assessments = Table(
    "assessments", metadata,
    Column("id", Integer, primary_key=True),
    Column("village_id", ForeignKey("villages.id", ondelete="CASCADE"), nullable=False),
    Column("group_id", ForeignKey("groups.id"), nullable=False),
    Column("household_id", ForeignKey("households.id", ondelete="CASCADE"), nullable=False),
    Column("period", String(8), nullable=False),
    Column("convention_id", ForeignKey("conventions.id"), nullable=False),
    Column("status", String(10), nullable=False),
    Column("total", Integer, nullable=False),
    Column("face", String(8), nullable=False),
    Column("photo_ref", String(200)),
    Column("photo_path", String(300)),
    Column("assessor_label", String(64), nullable=False),
    Column("assessor_id", ForeignKey("people.id", ondelete="SET NULL")),
    Column("released_fen", Integer, nullable=False, default=0),
    Column("withheld_fen", Integer, nullable=False, default=0),
    Column("revision", Integer, nullable=False, default=0),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("published_at", UtcDateTime),
    # One result per household and period.
    UniqueConstraint("household_id", "period"),
    Index("ix_assessments_group_period", "group_id", "period"),
    Index("ix_assessments_village_period_status", "village_id", "period", "status"),
)

assessment_deductions = Table(
    "assessment_deductions", metadata,
    Column("id", Integer, primary_key=True),
    Column("assessment_id", ForeignKey("assessments.id", ondelete="CASCADE"), nullable=False),
    Column("clause_id", ForeignKey("convention_clauses.id"), nullable=False),
    Column("points", Integer, nullable=False),
    Column("reason", String(300), nullable=False),
    UniqueConstraint("assessment_id", "clause_id"),
)

appeals = Table(
    "appeals", metadata,
    Column("id", Integer, primary_key=True),
    Column("assessment_id", ForeignKey("assessments.id", ondelete="CASCADE"), nullable=False),
    Column("village_id", ForeignKey("villages.id", ondelete="CASCADE"), nullable=False),
    Column("household_id", ForeignKey("households.id", ondelete="CASCADE"), nullable=False),
    Column("person_id", ForeignKey("people.id"), nullable=False),
    Column("reason", String(500), nullable=False),
    Column("voice_ref", String(200)),
    Column("voice_path", String(300)),
    Column("status", String(10), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("decided_at", UtcDateTime),
    Column("decided_by", ForeignKey("people.id", ondelete="SET NULL")),
    Column("decision_note", String(500), nullable=False, default=""),
    Index("ix_appeals_village_status", "village_id", "status"),
    Index("ix_appeals_assessment_id", "assessment_id"),
    # At most one open appeal per result, even when two members appeal at once.
    Index("uq_appeals_open_assessment", "assessment_id", unique=True,
          sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
)

rectifications = Table(
    "rectifications", metadata,
    Column("id", Integer, primary_key=True),
    Column("assessment_id", ForeignKey("assessments.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("village_id", ForeignKey("villages.id", ondelete="CASCADE"), nullable=False),
    Column("household_id", ForeignKey("households.id", ondelete="CASCADE"), nullable=False),
    Column("clause_id", ForeignKey("convention_clauses.id"), nullable=False),
    Column("clause_name", String(30), nullable=False),
    Column("period", String(8), nullable=False),
    Column("deadline", UtcDateTime, nullable=False),
    Column("status", String(10), nullable=False),
    Column("photo_ref", String(200)),
    Column("photo_path", String(300)),
    Column("reported_at", UtcDateTime),
    Column("inspected_at", UtcDateTime),
    Column("inspected_by", ForeignKey("people.id", ondelete="SET NULL")),
    Index("ix_rectifications_household_period", "household_id", "period"),
    Index("ix_rectifications_village_status", "village_id", "status"),
)

homestead_assessments = Table(
    "homestead_assessments", metadata,
    Column("id", Integer, primary_key=True),
    Column("village_id", ForeignKey("villages.id", ondelete="CASCADE"), nullable=False),
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), nullable=False),
    Column("year", Integer, nullable=False),
    Column("kind", String(12), nullable=False),
    Column("results", JSON, nullable=False),
    Column("notes", JSON, nullable=False),
    Column("passed", Boolean, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("assessor_label", String(64), nullable=False),
    Column("assessor_id", ForeignKey("people.id", ondelete="SET NULL")),
    Index("ix_homestead_assessments_group_year", "group_id", "year"),
    Index("ix_homestead_assessments_village_year", "village_id", "year"),
    # One yearly result per group; spot checks are unlimited.
    Index("uq_homestead_assessments_annual", "group_id", "year", unique=True,
          sqlite_where=text("kind = 'annual'"), postgresql_where=text("kind = 'annual'")),
)

# --- consultation ---

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
    Column("voice_ref", String(200)),
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
    Column("document_ref", String(200)),
    Column("document_path", String(300)),
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
