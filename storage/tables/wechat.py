"""WeChat: the cached access token per account, the pushes received, and the choices offered per person."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text

from storage.tables.base import metadata
from storage.types import UtcDateTime

wechat_tokens = Table(
    "wechat_tokens", metadata,
    Column("app_id", String(32), primary_key=True),
    Column("access_token", Text, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("fetched_at", UtcDateTime, nullable=False),
)

# One row per push, keyed by a digest of WeChat's dedup key: written before the step runs and marked
# done in the step's own transaction, so a retry or a restart never runs a step twice or loses one.
wechat_inbound = Table(
    "wechat_inbound", metadata,
    Column("id", Integer, primary_key=True),
    Column("dedup_key", String(40), nullable=False, unique=True),
    Column("open_id", String(64), nullable=False),
    Column("input", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Column("done_at", UtcDateTime, nullable=True),
    Column("passive", Text, nullable=True),
    Index("ix_wechat_inbound_pending", "status", "open_id", "id"),
)

# The numbered choices last shown to a person: the next input may pick one by digit, label or menu id.
wechat_offers = Table(
    "wechat_offers", metadata,
    Column("open_id", String(64), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("label", Text, nullable=False),
    Column("payload", Text, nullable=False),
    Column("offered_at", UtcDateTime, nullable=False),
)
