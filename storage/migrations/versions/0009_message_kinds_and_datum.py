"""message_kinds_and_datum: each outbox row's kind and traits; each report location's datum

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 06:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Rows queued before kinds existed are unclassified: important (a person follows up rather than
    # miss one) and not safe to resend. The defaults only fill them; new rows always state their kind.
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=40), server_default="unclassified", nullable=False))
        batch.add_column(sa.Column("important", sa.Boolean(), server_default=sa.true(), nullable=False))
        batch.add_column(sa.Column("resend_safe", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("outbox") as batch:
        for column in ("kind", "important", "resend_safe"):
            batch.alter_column(column, server_default=None)
    # Every location stored so far came from Telegram, in WGS-84.
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("datum", sa.String(length=8), nullable=True))
    op.execute("UPDATE reports SET datum = 'wgs84' WHERE latitude IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("datum")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("resend_safe")
        batch.drop_column("important")
        batch.drop_column("kind")
