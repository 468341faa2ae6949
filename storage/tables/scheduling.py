"""The scheduler's claims: one row per job and scheduled time, so no slot runs twice across processes."""

from sqlalchemy import Column, String, Table

from storage.tables.base import metadata
from storage.types import UtcDateTime

job_slots = Table(
    "job_slots", metadata,
    Column("name", String(64), primary_key=True),
    Column("scheduled_for", UtcDateTime, primary_key=True),
    Column("claimed_at", UtcDateTime, nullable=False),
)
