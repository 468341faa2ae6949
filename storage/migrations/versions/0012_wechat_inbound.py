"""wechat_inbound and wechat_offers: durable WeChat pushes and the choices offered to each person

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 17:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wechat_inbound",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedup_key", sa.String(length=40), nullable=False),
        sa.Column("open_id", sa.String(length=64), nullable=False),
        sa.Column("input", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("received_at", storage.types.UtcDateTime(), nullable=False),
        sa.Column("done_at", storage.types.UtcDateTime(), nullable=True),
        sa.Column("passive", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wechat_inbound")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_wechat_inbound_dedup_key")),
    )
    op.create_index("ix_wechat_inbound_pending", "wechat_inbound", ["status", "open_id", "id"])
    op.create_table(
        "wechat_offers",
        sa.Column("open_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("offered_at", storage.types.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("open_id", "position", name=op.f("pk_wechat_offers")),
    )


def downgrade() -> None:
    op.drop_table("wechat_offers")
    op.drop_index("ix_wechat_inbound_pending", table_name="wechat_inbound")
    op.drop_table("wechat_inbound")
