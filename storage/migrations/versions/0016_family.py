"""family: invite codes and relatives' links to households (亲情代办)

Revision ID: 0016
Revises: 0010
Create Date: 2026-12-06 17:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0016"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "family_invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.types.UtcDateTime(), nullable=False),
        sa.Column("expires_at", storage.types.UtcDateTime(), nullable=False),
        sa.Column("used_at", storage.types.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["created_by"], ["people.id"], name=op.f("fk_family_invites_created_by_people"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"],
                                name=op.f("fk_family_invites_household_id_households"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["village_id"], ["villages.id"], name=op.f("fk_family_invites_village_id_villages"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_invites")),
        sa.UniqueConstraint("code", name=op.f("uq_family_invites_code")),
    )
    op.create_index(op.f("ix_family_invites_household_id"), "family_invites", ["household_id"])
    op.create_table(
        "family_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("identity_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("invite_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("relation", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("invited_by", sa.Integer(), nullable=True),
        sa.Column("confirmed_by", sa.Integer(), nullable=True),
        sa.Column("removed_by", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.types.UtcDateTime(), nullable=False),
        sa.Column("confirmed_at", storage.types.UtcDateTime(), nullable=True),
        sa.Column("removed_at", storage.types.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"],
                                name=op.f("fk_family_links_household_id_households"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["village_id"], ["villages.id"], name=op.f("fk_family_links_village_id_villages"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["identity_id"], ["identities.id"],
                                name=op.f("fk_family_links_identity_id_identities"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_family_links_person_id_people"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["invite_id"], ["family_invites.id"],
                                name=op.f("fk_family_links_invite_id_family_invites"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["invited_by"], ["people.id"], name=op.f("fk_family_links_invited_by_people"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["confirmed_by"], ["people.id"], name=op.f("fk_family_links_confirmed_by_people"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["removed_by"], ["people.id"], name=op.f("fk_family_links_removed_by_people"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_links")),
    )
    op.create_index(op.f("ix_family_links_identity_id"), "family_links", ["identity_id"])
    op.create_index(op.f("ix_family_links_person_id"), "family_links", ["person_id"])
    op.create_index("ix_family_links_household_status", "family_links", ["household_id", "status"])


def downgrade() -> None:
    op.drop_table("family_links")
    op.drop_table("family_invites")
