"""district indexes: a household's published results by period (/score), a group's published periods (/board)

Found by the district benchmark's audit (bench/district.py): with only (village_id, period, status) and
(household_id, period), SQLite answered a household's year of results by reading the whole village's.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 18:00:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_assessments_household_status_period", "assessments", ["household_id", "status", "period"])
    op.create_index("ix_assessments_group_status_period", "assessments", ["group_id", "status", "period"])


def downgrade() -> None:
    op.drop_index("ix_assessments_group_status_period", table_name="assessments")
    op.drop_index("ix_assessments_household_status_period", table_name="assessments")
