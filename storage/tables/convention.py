"""The convention (美丽约定): conventions and clauses, assessments, appeals, rectification, 和美宅基."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Index, Integer, String, Table, UniqueConstraint, text

from storage.tables.base import metadata
from storage.types import UtcDateTime

conventions = Table(
    "conventions", metadata,
    Column("id", Integer, primary_key=True),
    Column("village_id", ForeignKey("villages.id", ondelete="CASCADE"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("period_kind", String(10), nullable=False),
    Column("smile_min", Integer, nullable=False),
    Column("flat_min", Integer, nullable=False),
    Column("passing_faces", JSON, nullable=False),
    Column("annual_reward_fen", Integer, nullable=False),
    Column("retained_percent", Integer, nullable=False),
    Column("homestead_reward_fen", Integer, nullable=False),
    Column("homestead_pass_min", Integer, nullable=False),
    Column("spot_check_reduction_percent", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    # The version in force is the village's highest; versions are never updated.
    UniqueConstraint("village_id", "version"),
)

convention_clauses = Table(
    "convention_clauses", metadata,
    Column("id", Integer, primary_key=True),
    Column("convention_id", ForeignKey("conventions.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("name", String(30), nullable=False),
    Column("points", Integer, nullable=False),
    Column("step", Integer, nullable=False),
    Column("description", String(200), nullable=False, default=""),
    UniqueConstraint("convention_id", "name"),
)

assessments = Table(
    "assessments", metadata,
    Column("id", Integer, primary_key=True),
    Column("village_id", ForeignKey("villages.id", ondelete="CASCADE"), nullable=False),
    Column("group_id", ForeignKey("groups.id"), nullable=False),
    Column("household_id", ForeignKey("households.id", ondelete="CASCADE"), nullable=False),
    Column("period", String(8), nullable=False),
    Column("convention_id", ForeignKey("conventions.id"), nullable=False),
    Column("status", String(10), nullable=False),
    Column("total", Integer, nullable=False),
    Column("face", String(8), nullable=False),
    Column("photo_media_id", ForeignKey("media.id")),
    Column("assessor_label", String(64), nullable=False),
    Column("assessor_id", ForeignKey("people.id", ondelete="SET NULL")),
    Column("released_fen", Integer, nullable=False, default=0),
    Column("withheld_fen", Integer, nullable=False, default=0),
    Column("revision", Integer, nullable=False, default=0),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("published_at", UtcDateTime),
    # One result per household and period.
    UniqueConstraint("household_id", "period"),
    Index("ix_assessments_group_period", "group_id", "period"),
    Index("ix_assessments_village_period_status", "village_id", "period", "status"),
    # /score: a household's published results, latest first or of a year; /board: a group's published periods.
    Index("ix_assessments_household_status_period", "household_id", "status", "period"),
    Index("ix_assessments_group_status_period", "group_id", "status", "period"),
)

assessment_deductions = Table(
    "assessment_deductions", metadata,
    Column("id", Integer, primary_key=True),
    Column("assessment_id", ForeignKey("assessments.id", ondelete="CASCADE"), nullable=False),
    Column("clause_id", ForeignKey("convention_clauses.id"), nullable=False),
    Column("points", Integer, nullable=False),
    Column("reason", String(300), nullable=False),
    UniqueConstraint("assessment_id", "clause_id"),
)

appeals = Table(
    "appeals", metadata,
    Column("id", Integer, primary_key=True),
    Column("assessment_id", ForeignKey("assessments.id", ondelete="CASCADE"), nullable=False),
    Column("village_id", ForeignKey("villages.id", ondelete="CASCADE"), nullable=False),
    Column("household_id", ForeignKey("households.id", ondelete="CASCADE"), nullable=False),
    Column("person_id", ForeignKey("people.id"), nullable=False),
    Column("reason", String(500), nullable=False),
    Column("voice_media_id", ForeignKey("media.id")),
    Column("status", String(10), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("decided_at", UtcDateTime),
    Column("decided_by", ForeignKey("people.id", ondelete="SET NULL")),
    Column("decision_note", String(500), nullable=False, default=""),
    Index("ix_appeals_village_status", "village_id", "status"),
    Index("ix_appeals_assessment_id", "assessment_id"),
    # At most one open appeal per result, even when two members appeal at once.
    Index("uq_appeals_open_assessment", "assessment_id", unique=True,
          sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
)

rectifications = Table(
    "rectifications", metadata,
    Column("id", Integer, primary_key=True),
    Column("assessment_id", ForeignKey("assessments.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("village_id", ForeignKey("villages.id", ondelete="CASCADE"), nullable=False),
    Column("household_id", ForeignKey("households.id", ondelete="CASCADE"), nullable=False),
    Column("clause_id", ForeignKey("convention_clauses.id"), nullable=False),
    Column("clause_name", String(30), nullable=False),
    Column("period", String(8), nullable=False),
    Column("deadline", UtcDateTime, nullable=False),
    Column("status", String(10), nullable=False),
    Column("photo_media_id", ForeignKey("media.id")),
    Column("reported_at", UtcDateTime),
    Column("inspected_at", UtcDateTime),
    Column("inspected_by", ForeignKey("people.id", ondelete="SET NULL")),
    Index("ix_rectifications_household_period", "household_id", "period"),
    Index("ix_rectifications_village_status", "village_id", "status"),
)

homestead_assessments = Table(
    "homestead_assessments", metadata,
    Column("id", Integer, primary_key=True),
    Column("village_id", ForeignKey("villages.id", ondelete="CASCADE"), nullable=False),
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), nullable=False),
    Column("year", Integer, nullable=False),
    Column("kind", String(12), nullable=False),
    Column("results", JSON, nullable=False),
    Column("notes", JSON, nullable=False),
    Column("passed", Boolean, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("assessor_label", String(64), nullable=False),
    Column("assessor_id", ForeignKey("people.id", ondelete="SET NULL")),
    Index("ix_homestead_assessments_group_year", "group_id", "year"),
    Index("ix_homestead_assessments_village_year", "village_id", "year"),
    # One yearly result per group; spot checks are unlimited.
    Index("uq_homestead_assessments_annual", "group_id", "year", unique=True,
          sqlite_where=text("kind = 'annual'"), postgresql_where=text("kind = 'annual'")),
)
