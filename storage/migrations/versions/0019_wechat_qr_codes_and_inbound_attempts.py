"""wechat qr codes and inbound attempts: the permanent QR code made for each scene (reused on every print),
and how often each WeChat push's step was tried (the limit holds across restarts)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 00:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wechat_qr_codes",
        sa.Column("scene", sa.String(length=64), nullable=False),
        sa.Column("ticket", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("created_at", storage.types.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("scene", name=op.f("pk_wechat_qr_codes")),
    )
    with op.batch_alter_table("wechat_inbound", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("wechat_inbound", schema=None) as batch_op:
        batch_op.alter_column("attempts", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("wechat_inbound", schema=None) as batch_op:
        batch_op.drop_column("attempts")
    op.drop_table("wechat_qr_codes")
