"""care: the care list (care_subjects), its visits (care_visits) and patrols

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 17:08:05.339732
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"),
                                   ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "care_subjects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=24), nullable=False),
        sa.Column("rhythm", sa.String(length=16), nullable=False),
        sa.Column("added_at", storage.types.UtcDateTime(), nullable=False),
        sa.Column("removed_at", storage.types.UtcDateTime(), nullable=True),
        _fk("care_subjects", "person_id", "people", "CASCADE"),
        _fk("care_subjects", "village_id", "villages", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_subjects")),
        sa.UniqueConstraint("person_id", name=op.f("uq_care_subjects_person_id")),
    )
    with op.batch_alter_table("care_subjects", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_care_subjects_village_id"), ["village_id"], unique=False)
    op.create_table(
        "care_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("visitor_id", sa.Integer(), nullable=True),
        sa.Column("at", storage.types.UtcDateTime(), nullable=False),
        sa.Column("wellbeing", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("voice", sa.JSON(), nullable=True),
        sa.Column("photo", sa.JSON(), nullable=True),
        sa.Column("problem", sa.Boolean(), nullable=False),
        sa.Column("family_contacted", sa.Boolean(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        _fk("care_visits", "report_id", "reports", "SET NULL"),
        _fk("care_visits", "subject_id", "care_subjects", "CASCADE"),
        _fk("care_visits", "village_id", "villages", "CASCADE"),
        _fk("care_visits", "visitor_id", "people", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_visits")),
    )
    with op.batch_alter_table("care_visits", schema=None) as batch_op:
        batch_op.create_index("ix_care_visits_subject_at", ["subject_id", "at"], unique=False)
        batch_op.create_index("ix_care_visits_village_at", ["village_id", "at"], unique=False)
    op.create_table(
        "patrols",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("patroller_id", sa.Integer(), nullable=True),
        sa.Column("grid_id", sa.Integer(), nullable=True),
        sa.Column("at", storage.types.UtcDateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("voice", sa.JSON(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("datum", sa.String(length=8), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("problem", sa.Boolean(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        _fk("patrols", "grid_id", "grids", "SET NULL"),
        _fk("patrols", "patroller_id", "people", "SET NULL"),
        _fk("patrols", "report_id", "reports", "SET NULL"),
        _fk("patrols", "village_id", "villages", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrols")),
    )
    with op.batch_alter_table("patrols", schema=None) as batch_op:
        batch_op.create_index("ix_patrols_village_at", ["village_id", "at"], unique=False)


def downgrade() -> None:
    op.drop_table("patrols")
    op.drop_table("care_visits")
    op.drop_table("care_subjects")
