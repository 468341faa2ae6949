"""notices: published notices, their recipients, residents' mutes

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-29 16:41:01.739949
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notice_mutes",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_notice_mutes_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("person_id", "category", name=op.f("pk_notice_mutes")),
    )
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("author_person_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.Column("attachment", sa.JSON(), nullable=True),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("batch", sa.String(length=64), nullable=False),
        sa.Column("created_at", storage.types.UtcDateTime(), nullable=False),
        sa.Column("finished_at", storage.types.UtcDateTime(), nullable=True),
        sa.Column("progress_channel", sa.String(length=20), nullable=True),
        sa.Column("progress_chat_ref", sa.String(length=64), nullable=True),
        sa.Column("progress_message_ref", sa.String(length=64), nullable=True),
        sa.Column("progress_locale", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_person_id"], ["people.id"], name=op.f("fk_notices_author_person_id_people"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["villages.id"], name=op.f("fk_notices_village_id_villages"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
        sa.UniqueConstraint("batch", name=op.f("uq_notices_batch")),
    )
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notices_author_person_id"), ["author_person_id"], unique=False)
        batch_op.create_index("ix_notices_unfinished", ["finished_at", "progress_message_ref"], unique=False)
        batch_op.create_index("ix_notices_village_created", ["village_id", "created_at"], unique=False)

    op.create_table(
        "notice_recipients",
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notices.id"], name=op.f("fk_notice_recipients_notice_id_notices"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_notice_recipients_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("notice_id", "person_id", name=op.f("pk_notice_recipients")),
    )
    with op.batch_alter_table("notice_recipients", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notice_recipients_person_id"), ["person_id"], unique=False)



def downgrade() -> None:
    with op.batch_alter_table("notice_recipients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_recipients_person_id"))

    op.drop_table("notice_recipients")
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_index("ix_notices_village_created")
        batch_op.drop_index("ix_notices_unfinished")
        batch_op.drop_index(batch_op.f("ix_notices_author_person_id"))

    op.drop_table("notices")
    op.drop_table("notice_mutes")
