"""convention: conventions, assessments, deductions, appeals, rectification, 和美宅基

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-29 16:43:41.157784
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conventions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("period_kind", sa.String(length=10), nullable=False),
        sa.Column("smile_min", sa.Integer(), nullable=False),
        sa.Column("flat_min", sa.Integer(), nullable=False),
        sa.Column("passing_faces", sa.JSON(), nullable=False),
        sa.Column("annual_reward_fen", sa.Integer(), nullable=False),
        sa.Column("retained_percent", sa.Integer(), nullable=False),
        sa.Column("homestead_reward_fen", sa.Integer(), nullable=False),
        sa.Column("homestead_pass_min", sa.Integer(), nullable=False),
        sa.Column("spot_check_reduction_percent", sa.Integer(), nullable=False),
        sa.Column("created_at", storage.types.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["village_id"], ["villages.id"], name=op.f("fk_conventions_village_id_villages"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conventions")),
        sa.UniqueConstraint("village_id", "version", name=op.f("uq_conventions_village_id_version")),
    )
    op.create_table(
        "convention_clauses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("convention_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=30), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["convention_id"],
            ["conventions.id"],
            name=op.f("fk_convention_clauses_convention_id_conventions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_convention_clauses")),
        sa.UniqueConstraint("convention_id", "name", name=op.f("uq_convention_clauses_convention_id_name")),
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("convention_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("face", sa.String(length=8), nullable=False),
        sa.Column("photo_ref", sa.String(length=200), nullable=True),
        sa.Column("photo_path", sa.String(length=300), nullable=True),
        sa.Column("assessor_label", sa.String(length=64), nullable=False),
        sa.Column("assessor_id", sa.Integer(), nullable=True),
        sa.Column("released_fen", sa.Integer(), nullable=False),
        sa.Column("withheld_fen", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_at", storage.types.UtcDateTime(), nullable=False),
        sa.Column("published_at", storage.types.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessor_id"], ["people.id"], name=op.f("fk_assessments_assessor_id_people"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["convention_id"], ["conventions.id"], name=op.f("fk_assessments_convention_id_conventions")
        ),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"], name=op.f("fk_assessments_group_id_groups")),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name=op.f("fk_assessments_household_id_households"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["villages.id"], name=op.f("fk_assessments_village_id_villages"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
        sa.UniqueConstraint("household_id", "period", name=op.f("uq_assessments_household_id_period")),
    )
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.create_index("ix_assessments_group_period", ["group_id", "period"], unique=False)
        batch_op.create_index("ix_assessments_village_period_status", ["village_id", "period", "status"], unique=False)

    op.create_table(
        "homestead_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("at", storage.types.UtcDateTime(), nullable=False),
        sa.Column("assessor_label", sa.String(length=64), nullable=False),
        sa.Column("assessor_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessor_id"],
            ["people.id"],
            name=op.f("fk_homestead_assessments_assessor_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_homestead_assessments_group_id_groups"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["village_id"],
            ["villages.id"],
            name=op.f("fk_homestead_assessments_village_id_villages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_homestead_assessments")),
    )
    with op.batch_alter_table("homestead_assessments", schema=None) as batch_op:
        batch_op.create_index("ix_homestead_assessments_group_year", ["group_id", "year"], unique=False)
        batch_op.create_index("ix_homestead_assessments_village_year", ["village_id", "year"], unique=False)
        batch_op.create_index(
            "uq_homestead_assessments_annual",
            ["group_id", "year"],
            unique=True,
            sqlite_where=sa.text("kind = 'annual'"),
            postgresql_where=sa.text("kind = 'annual'"),
        )

    op.create_table(
        "appeals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("voice_ref", sa.String(length=200), nullable=True),
        sa.Column("voice_path", sa.String(length=300), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", storage.types.UtcDateTime(), nullable=False),
        sa.Column("decided_at", storage.types.UtcDateTime(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decision_note", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["assessments.id"], name=op.f("fk_appeals_assessment_id_assessments"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["people.id"], name=op.f("fk_appeals_decided_by_people"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name=op.f("fk_appeals_household_id_households"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_appeals_person_id_people")),
        sa.ForeignKeyConstraint(
            ["village_id"], ["villages.id"], name=op.f("fk_appeals_village_id_villages"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeals")),
    )
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.create_index("ix_appeals_assessment_id", ["assessment_id"], unique=False)
        batch_op.create_index("ix_appeals_village_status", ["village_id", "status"], unique=False)
        batch_op.create_index(
            "uq_appeals_open_assessment",
            ["assessment_id"],
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )

    op.create_table(
        "assessment_deductions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("clause_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_assessment_deductions_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["clause_id"], ["convention_clauses.id"], name=op.f("fk_assessment_deductions_clause_id_convention_clauses")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_deductions")),
        sa.UniqueConstraint(
            "assessment_id", "clause_id", name=op.f("uq_assessment_deductions_assessment_id_clause_id")
        ),
    )
    op.create_table(
        "rectifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("clause_id", sa.Integer(), nullable=False),
        sa.Column("clause_name", sa.String(length=30), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("deadline", storage.types.UtcDateTime(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("photo_ref", sa.String(length=200), nullable=True),
        sa.Column("photo_path", sa.String(length=300), nullable=True),
        sa.Column("reported_at", storage.types.UtcDateTime(), nullable=True),
        sa.Column("inspected_at", storage.types.UtcDateTime(), nullable=True),
        sa.Column("inspected_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_rectifications_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["clause_id"], ["convention_clauses.id"], name=op.f("fk_rectifications_clause_id_convention_clauses")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_rectifications_household_id_households"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["inspected_by"], ["people.id"], name=op.f("fk_rectifications_inspected_by_people"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["villages.id"], name=op.f("fk_rectifications_village_id_villages"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rectifications")),
    )
    with op.batch_alter_table("rectifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rectifications_assessment_id"), ["assessment_id"], unique=False)
        batch_op.create_index("ix_rectifications_household_period", ["household_id", "period"], unique=False)
        batch_op.create_index("ix_rectifications_village_status", ["village_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rectifications", schema=None) as batch_op:
        batch_op.drop_index("ix_rectifications_village_status")
        batch_op.drop_index("ix_rectifications_household_period")
        batch_op.drop_index(batch_op.f("ix_rectifications_assessment_id"))

    op.drop_table("rectifications")
    op.drop_table("assessment_deductions")
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_appeals_open_assessment",
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )
        batch_op.drop_index("ix_appeals_village_status")
        batch_op.drop_index("ix_appeals_assessment_id")

    op.drop_table("appeals")
    with op.batch_alter_table("homestead_assessments", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_homestead_assessments_annual",
            sqlite_where=sa.text("kind = 'annual'"),
            postgresql_where=sa.text("kind = 'annual'"),
        )
        batch_op.drop_index("ix_homestead_assessments_village_year")
        batch_op.drop_index("ix_homestead_assessments_group_year")

    op.drop_table("homestead_assessments")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_index("ix_assessments_village_period_status")
        batch_op.drop_index("ix_assessments_group_period")

    op.drop_table("assessments")
    op.drop_table("convention_clauses")
    op.drop_table("conventions")
