"""callback_tokens: long button payloads kept under a short signed id for channels with small button data

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 17:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "callback_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payload", sa.String(length=1024), nullable=False),
        sa.Column("expires_at", storage.types.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callback_tokens")),
    )
    with op.batch_alter_table("callback_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_callback_tokens_expires_at"), ["expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("callback_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_callback_tokens_expires_at"))
    op.drop_table("callback_tokens")
