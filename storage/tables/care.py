"""The care list (关爱对象), its visits (走访) and patrols (巡查)."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Float, ForeignKey, Index, Integer, String, Table, Text

from storage.tables.base import metadata
from storage.types import UtcDateTime

care_subjects = Table(
    "care_subjects", metadata,
    Column("id", Integer, primary_key=True),
    Column("village_id", ForeignKey("villages.id", ondelete="CASCADE"), nullable=False, index=True),
    # One row per person: taking someone off the list sets `removed_at`, putting them back clears it.
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), nullable=False, unique=True),
    Column("category", String(24), nullable=False),
    Column("rhythm", String(16), nullable=False),
    Column("added_at", UtcDateTime, nullable=False),
    Column("removed_at", UtcDateTime),
)

care_visits = Table(
    "care_visits", metadata,
    Column("id", Integer, primary_key=True),
    Column("village_id", ForeignKey("villages.id", ondelete="CASCADE"), nullable=False),
    Column("subject_id", ForeignKey("care_subjects.id", ondelete="CASCADE"), nullable=False),
    Column("visitor_id", ForeignKey("people.id", ondelete="SET NULL")),
    Column("at", UtcDateTime, nullable=False),
    Column("wellbeing", String(12), nullable=False),
    Column("note", Text, nullable=False),
    Column("voice", JSON),  # a kept file (`StoredMedia`) as JSON, or null
    Column("photo", JSON),
    Column("problem", Boolean, nullable=False),
    Column("family_contacted", Boolean, nullable=False),
    Column("report_id", ForeignKey("reports.id", ondelete="SET NULL")),
    Index("ix_care_visits_subject_at", "subject_id", "at"),
    Index("ix_care_visits_village_at", "village_id", "at"),
)

patrols = Table(
    "patrols", metadata,
    Column("id", Integer, primary_key=True),
    Column("village_id", ForeignKey("villages.id", ondelete="CASCADE"), nullable=False),
    Column("patroller_id", ForeignKey("people.id", ondelete="SET NULL")),
    Column("grid_id", ForeignKey("grids.id", ondelete="SET NULL")),
    Column("at", UtcDateTime, nullable=False),
    Column("note", Text, nullable=False),
    Column("voice", JSON),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("datum", String(8)),
    Column("address", String(200), nullable=False),
    Column("problem", Boolean, nullable=False),
    Column("report_id", ForeignKey("reports.id", ondelete="SET NULL")),
    Index("ix_patrols_village_at", "village_id", "at"),
)
