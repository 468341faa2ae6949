"""reports: problem reports, their timeline, media and followers

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 16:42:06.260652
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=4), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=24), nullable=False),
        sa.Column("category", sa.String(length=50), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("filed_by_id", sa.Integer(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("created_at", storage.types.UtcDateTime(), nullable=False),
        sa.Column("accept_due_at", storage.types.UtcDateTime(), nullable=False),
        sa.Column("deadline_at", storage.types.UtcDateTime(), nullable=True),
        sa.Column("accepted_at", storage.types.UtcDateTime(), nullable=True),
        sa.Column("resolved_at", storage.types.UtcDateTime(), nullable=True),
        sa.Column("closed_at", storage.types.UtcDateTime(), nullable=True),
        sa.Column("rating", sa.String(length=12), nullable=True),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("resolution_note", sa.Text(), nullable=False),
        sa.Column("reopened", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["people.id"], name=op.f("fk_reports_assignee_id_people"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["filed_by_id"], ["people.id"], name=op.f("fk_reports_filed_by_id_people")),
        sa.ForeignKeyConstraint(["grid_id"], ["grids.id"], name=op.f("fk_reports_grid_id_grids"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["merged_into_id"], ["reports.id"], name=op.f("fk_reports_merged_into_id_reports"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["reporter_id"], ["people.id"], name=op.f("fk_reports_reporter_id_people")),
        sa.ForeignKeyConstraint(
            ["village_id"], ["villages.id"], name=op.f("fk_reports_village_id_villages"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint("code", name=op.f("uq_reports_code")),
        sa.UniqueConstraint("village_id", "month", "seq", name=op.f("uq_reports_village_id_month_seq")),
    )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reports_assignee_id"), ["assignee_id"], unique=False)
        batch_op.create_index("ix_reports_reporter_created", ["reporter_id", "created_at"], unique=False)
        batch_op.create_index("ix_reports_status_accept_due", ["status", "accept_due_at"], unique=False)
        batch_op.create_index("ix_reports_status_deadline", ["status", "deadline_at"], unique=False)
        batch_op.create_index("ix_reports_status_resolved", ["status", "resolved_at"], unique=False)
        batch_op.create_index("ix_reports_village_created", ["village_id", "created_at"], unique=False)
        batch_op.create_index("ix_reports_village_status_category", ["village_id", "status", "category"], unique=False)

    op.create_table(
        "report_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("at", storage.types.UtcDateTime(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("from_status", sa.String(length=12), nullable=True),
        sa.Column("to_status", sa.String(length=12), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["people.id"], name=op.f("fk_report_events_actor_id_people"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_report_events_report_id_reports"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["villages.id"], name=op.f("fk_report_events_village_id_villages"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_events")),
        sa.UniqueConstraint("key", name=op.f("uq_report_events_key")),
    )
    with op.batch_alter_table("report_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_events_report_id"), ["report_id"], unique=False)
        batch_op.create_index("ix_report_events_village_at", ["village_id", "at"], unique=False)

    op.create_table(
        "report_followers",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("at", storage.types.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_report_followers_person_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_report_followers_report_id_reports"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("report_id", "person_id", name=op.f("pk_report_followers")),
    )
    with op.batch_alter_table("report_followers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_followers_person_id"), ["person_id"], unique=False)

    op.create_table(
        "report_media",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("file_ref", sa.String(length=200), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("mime_type", sa.String(length=100), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_report_media_report_id_reports"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_media")),
    )
    with op.batch_alter_table("report_media", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_media_report_id"), ["report_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("report_media", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_media_report_id"))

    op.drop_table("report_media")
    with op.batch_alter_table("report_followers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_followers_person_id"))

    op.drop_table("report_followers")
    with op.batch_alter_table("report_events", schema=None) as batch_op:
        batch_op.drop_index("ix_report_events_village_at")
        batch_op.drop_index(batch_op.f("ix_report_events_report_id"))

    op.drop_table("report_events")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index("ix_reports_village_status_category")
        batch_op.drop_index("ix_reports_village_created")
        batch_op.drop_index("ix_reports_status_resolved")
        batch_op.drop_index("ix_reports_status_deadline")
        batch_op.drop_index("ix_reports_status_accept_due")
        batch_op.drop_index("ix_reports_reporter_created")
        batch_op.drop_index(batch_op.f("ix_reports_assignee_id"))

    op.drop_table("reports")
