"""Button payloads too long for a channel, kept here under a short id that the channel's button carries."""

from __future__ import annotations

from sqlalchemy import Column, Integer, String, Table

from storage.tables.base import metadata
from storage.types import UtcDateTime

callback_tokens = Table(
    "callback_tokens", metadata,
    Column("id", Integer, primary_key=True),
    Column("payload", String(1024), nullable=False),
    Column("expires_at", UtcDateTime, nullable=False, index=True),
)
