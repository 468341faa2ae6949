"""follow-ups: when an outbox row was parked and when a cadre contacted its person (待联系)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 20:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parked_at", storage.types.UtcDateTime(), nullable=True))
        batch_op.add_column(sa.Column("contacted_at", storage.types.UtcDateTime(), nullable=True))
        batch_op.create_index("ix_outbox_follow_up", ["important", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_follow_up")
        batch_op.drop_column("contacted_at")
        batch_op.drop_column("parked_at")
