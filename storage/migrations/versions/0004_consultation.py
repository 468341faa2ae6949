"""consultation: topics and supports, meetings, sign-ups and attendance, major matters

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-29 16:43:44.632160
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "matters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("stages_done", sa.Integer(), nullable=False),
        sa.Column("opened_by", sa.Integer(), nullable=True),
        sa.Column("opened_at", storage.types.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["opened_by"], ["people.id"], name=op.f("fk_matters_opened_by_people"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["villages.id"], name=op.f("fk_matters_village_id_villages"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matters")),
    )
    with op.batch_alter_table("matters", schema=None) as batch_op:
        batch_op.create_index("ix_matters_village_opened", ["village_id", "opened_at"], unique=False)

    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("venue_type", sa.String(length=20), nullable=False),
        sa.Column("venue_name", sa.String(length=100), nullable=False),
        sa.Column("starts_at", storage.types.UtcDateTime(), nullable=False),
        sa.Column("ends_at", storage.types.UtcDateTime(), nullable=False),
        sa.Column("signup_deadline", storage.types.UtcDateTime(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("checkin_code", sa.String(length=8), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.types.UtcDateTime(), nullable=False),
        sa.Column("published_at", storage.types.UtcDateTime(), nullable=True),
        sa.Column("cancelled_at", storage.types.UtcDateTime(), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("resolution_at", storage.types.UtcDateTime(), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("result_at", storage.types.UtcDateTime(), nullable=True),
        sa.CheckConstraint("capacity >= 1", name=op.f("ck_meetings_capacity_positive")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_meetings_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["people.id"], name=op.f("fk_meetings_created_by_people"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_meetings_group_id_groups"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["villages.id"], name=op.f("fk_meetings_village_id_villages"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index("ix_meetings_status_starts", ["status", "starts_at"], unique=False)
        batch_op.create_index("ix_meetings_village_code", ["village_id", "checkin_code"], unique=False)
        batch_op.create_index("ix_meetings_village_starts", ["village_id", "starts_at"], unique=False)

    op.create_table(
        "matter_stages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("matter_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("document_kind", sa.String(length=10), nullable=True),
        sa.Column("document_ref", sa.String(length=200), nullable=True),
        sa.Column("document_path", sa.String(length=300), nullable=True),
        sa.Column("document_name", sa.String(length=200), nullable=True),
        sa.Column("representatives", sa.Integer(), nullable=True),
        sa.Column("votes_for", sa.Integer(), nullable=True),
        sa.Column("votes_against", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", storage.types.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["matter_id"], ["matters.id"], name=op.f("fk_matter_stages_matter_id_matters"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["people.id"], name=op.f("fk_matter_stages_recorded_by_people"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matter_stages")),
        sa.UniqueConstraint("matter_id", "position", name=op.f("uq_matter_stages_matter_id_position")),
        sa.UniqueConstraint("matter_id", "stage", name=op.f("uq_matter_stages_matter_id_stage")),
    )
    op.create_table(
        "meeting_attendance",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("marked_by", sa.Integer(), nullable=True),
        sa.Column("checked_in_at", storage.types.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["marked_by"], ["people.id"], name=op.f("fk_meeting_attendance_marked_by_people"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_meeting_attendance_meeting_id_meetings"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_meeting_attendance_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("meeting_id", "person_id", name=op.f("pk_meeting_attendance")),
    )
    with op.batch_alter_table("meeting_attendance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_attendance_person_id"), ["person_id"], unique=False)

    op.create_table(
        "meeting_signups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("seat", sa.Integer(), nullable=True),
        sa.Column("queued_at", storage.types.UtcDateTime(), nullable=False),
        sa.Column("confirmed_at", storage.types.UtcDateTime(), nullable=True),
        sa.CheckConstraint(
            "(status = 'confirmed' AND seat IS NOT NULL AND seat >= 1) OR (status = 'waitlisted' AND seat IS NULL)",
            name=op.f("ck_meeting_signups_seat_matches_status"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_meeting_signups_meeting_id_meetings"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_meeting_signups_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_signups")),
        sa.UniqueConstraint("meeting_id", "person_id", name=op.f("uq_meeting_signups_meeting_id_person_id")),
        sa.UniqueConstraint("meeting_id", "seat", name=op.f("uq_meeting_signups_meeting_id_seat")),
    )
    with op.batch_alter_table("meeting_signups", schema=None) as batch_op:
        batch_op.create_index(
            "ix_meeting_signups_meeting_status_queued", ["meeting_id", "status", "queued_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_meeting_signups_person_id"), ["person_id"], unique=False)

    op.create_table(
        "topics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("voice_ref", sa.String(length=200), nullable=True),
        sa.Column("proposer_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", storage.types.UtcDateTime(), nullable=False),
        sa.Column("threshold_reached_at", storage.types.UtcDateTime(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("scheduled_at", storage.types.UtcDateTime(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", storage.types.UtcDateTime(), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["people.id"], name=op.f("fk_topics_decided_by_people"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_topics_group_id_groups"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_topics_meeting_id_meetings"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["proposer_id"], ["people.id"], name=op.f("fk_topics_proposer_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["villages.id"], name=op.f("fk_topics_village_id_villages"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topics")),
    )
    with op.batch_alter_table("topics", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_topics_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_topics_proposer_id"), ["proposer_id"], unique=False)
        batch_op.create_index("ix_topics_village_created", ["village_id", "created_at"], unique=False)
        batch_op.create_index("ix_topics_village_status", ["village_id", "status"], unique=False)

    op.create_table(
        "matter_stage_attendees",
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_matter_stage_attendees_person_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["stage_id"],
            ["matter_stages.id"],
            name=op.f("fk_matter_stage_attendees_stage_id_matter_stages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("stage_id", "person_id", name=op.f("pk_matter_stage_attendees")),
    )
    with op.batch_alter_table("matter_stage_attendees", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_matter_stage_attendees_person_id"), ["person_id"], unique=False)

    op.create_table(
        "topic_supports",
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("created_at", storage.types.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_topic_supports_person_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"], ["topics.id"], name=op.f("fk_topic_supports_topic_id_topics"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("topic_id", "person_id", name=op.f("pk_topic_supports")),
    )
    with op.batch_alter_table("topic_supports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_topic_supports_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("topic_supports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_topic_supports_person_id"))

    op.drop_table("topic_supports")
    with op.batch_alter_table("matter_stage_attendees", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_matter_stage_attendees_person_id"))

    op.drop_table("matter_stage_attendees")
    with op.batch_alter_table("topics", schema=None) as batch_op:
        batch_op.drop_index("ix_topics_village_status")
        batch_op.drop_index("ix_topics_village_created")
        batch_op.drop_index(batch_op.f("ix_topics_proposer_id"))
        batch_op.drop_index(batch_op.f("ix_topics_meeting_id"))

    op.drop_table("topics")
    with op.batch_alter_table("meeting_signups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_signups_person_id"))
        batch_op.drop_index("ix_meeting_signups_meeting_status_queued")

    op.drop_table("meeting_signups")
    with op.batch_alter_table("meeting_attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_attendance_person_id"))

    op.drop_table("meeting_attendance")
    op.drop_table("matter_stages")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index("ix_meetings_village_starts")
        batch_op.drop_index("ix_meetings_village_code")
        batch_op.drop_index("ix_meetings_status_starts")

    op.drop_table("meetings")
    with op.batch_alter_table("matters", schema=None) as batch_op:
        batch_op.drop_index("ix_matters_village_opened")

    op.drop_table("matters")
