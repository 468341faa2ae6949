"""The media store: every file people sent or we made, by our id, and each channel's cached reference to it."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Integer, String, Table, UniqueConstraint

from storage.tables.base import metadata
from storage.types import UtcDateTime

media = Table(
    "media", metadata,
    Column("id", Integer, primary_key=True),
    # None for files known only by a channel's reference (kept before the media store existed).
    Column("sha256", String(64), unique=True),
    Column("kind", String(10), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("mime", String(100)),
    Column("path", String(300)),  # relative to the media folder
    Column("created_at", UtcDateTime, nullable=False),
    Column("uploaded_by_identity_id", ForeignKey("identities.id", ondelete="SET NULL")),
    Column("uploaded_by_person_id", ForeignKey("people.id", ondelete="SET NULL")),
)

media_refs = Table(
    "media_refs", metadata,
    Column("id", Integer, primary_key=True),
    Column("media_id", ForeignKey("media.id", ondelete="CASCADE"), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("ref", String(300), nullable=False),
    Column("expires_at", UtcDateTime),  # WeChat's media ids live 3 days; Telegram's file ids do not expire
    UniqueConstraint("media_id", "channel"),
)
