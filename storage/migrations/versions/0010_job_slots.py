"""job_slots: each scheduled run claimed once per (job, time), so a standby taking over never reruns it

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 06:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_slots",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("scheduled_for", storage.types.UtcDateTime(), nullable=False),
        sa.Column("claimed_at", storage.types.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", "scheduled_for", name=op.f("pk_job_slots")),
    )


def downgrade() -> None:
    op.drop_table("job_slots")
