"""wechat routing: predicted windows, accepted subscriptions, mass-send counts, and each sent row's route

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 20:30:00.000000
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
    op.create_table(
        "wechat_windows",
        sa.Column("open_id", sa.String(length=64), nullable=False),
        sa.Column("opened_at", storage.types.UtcDateTime(), nullable=False),
        sa.Column("closes_at", storage.types.UtcDateTime(), nullable=False),
        sa.Column("allowance", sa.Integer(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("open_id", name=op.f("pk_wechat_windows")),
    )
    op.create_table(
        "wechat_subscriptions",
        sa.Column("open_id", sa.String(length=64), nullable=False),
        sa.Column("template_id", sa.String(length=64), nullable=False),
        sa.Column("remaining", sa.Integer(), nullable=True),
        sa.Column("changed_at", storage.types.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("open_id", "template_id", name=op.f("pk_wechat_subscriptions")),
    )
    op.create_table(
        "wechat_mass_counts",
        sa.Column("open_id", sa.String(length=64), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("open_id", "month", name=op.f("pk_wechat_mass_counts")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("route", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("route")
    op.drop_table("wechat_mass_counts")
    op.drop_table("wechat_subscriptions")
    op.drop_table("wechat_windows")
