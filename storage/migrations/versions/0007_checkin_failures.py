"""checkin_failures: wrong check-in codes, for the attempt limits per person and per meeting

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 05:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "checkin_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("failed_at", storage.types.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_checkin_failures_meeting_id_meetings"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_checkin_failures_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin_failures")),
    )
    op.create_index("ix_checkin_failures_meeting", "checkin_failures", ["meeting_id"], unique=False)
    op.create_index("ix_checkin_failures_person", "checkin_failures", ["person_id", "failed_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_checkin_failures_person", table_name="checkin_failures")
    op.drop_index("ix_checkin_failures_meeting", table_name="checkin_failures")
    op.drop_table("checkin_failures")
