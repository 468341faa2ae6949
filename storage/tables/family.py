"""The family link (亲情代办): one-use invite codes and relatives' links to households."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table

from storage.tables.base import metadata
from storage.types import UtcDateTime

family_invites = Table(
    "family_invites", metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(32), nullable=False, unique=True),
    Column("household_id", ForeignKey("households.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("village_id", ForeignKey("villages.id", ondelete="CASCADE"), nullable=False),
    Column("created_by", ForeignKey("people.id", ondelete="SET NULL")),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used_at", UtcDateTime),
)

family_links = Table(
    "family_links", metadata,
    Column("id", Integer, primary_key=True),
    Column("household_id", ForeignKey("households.id", ondelete="CASCADE"), nullable=False),
    Column("village_id", ForeignKey("villages.id", ondelete="CASCADE"), nullable=False),
    # The relative's account (who asked) and, once confirmed, the person it is bound to.
    Column("identity_id", ForeignKey("identities.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("person_id", ForeignKey("people.id", ondelete="SET NULL"), index=True),
    Column("invite_id", ForeignKey("family_invites.id", ondelete="SET NULL")),
    Column("name", String(50), nullable=False),
    Column("relation", String(10), nullable=False),
    Column("status", String(10), nullable=False),
    Column("invited_by", ForeignKey("people.id", ondelete="SET NULL")),
    Column("confirmed_by", ForeignKey("people.id", ondelete="SET NULL")),
    Column("removed_by", ForeignKey("people.id", ondelete="SET NULL")),
    Column("created_at", UtcDateTime, nullable=False),
    Column("confirmed_at", UtcDateTime),
    Column("removed_at", UtcDateTime),
    # Messages fan out to a household's active links: looked up by household and status.
    Index("ix_family_links_household_status", "household_id", "status"),
)
