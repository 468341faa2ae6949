"""follow-ups: when an outbox row was parked, when a cadre contacted its person, messages nobody could get (待联系)

Revision ID: 0017
Revises: 0017
Create Date: 2026-12-06 20:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parked_at", storage.types.UtcDateTime(), nullable=True))
        batch_op.add_column(sa.Column("contacted_at", storage.types.UtcDateTime(), nullable=True))
        batch_op.create_index("ix_outbox_follow_up", ["important", "status"], unique=False)
    op.create_table(
        "unreached_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("created_at", storage.types.UtcDateTime(), nullable=False),
        sa.Column("contacted_at", storage.types.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name="fk_unreached_messages_person_id_people",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_unreached_messages"),
        sa.UniqueConstraint("key", name="uq_unreached_messages_key"),
    )
    op.create_index("ix_unreached_messages_person_id", "unreached_messages", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_unreached_messages_person_id", table_name="unreached_messages")
    op.drop_table("unreached_messages")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_follow_up")
        batch_op.drop_column("contacted_at")
        batch_op.drop_column("parked_at")
