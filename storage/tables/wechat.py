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
    Column("attempts", Integer, nullable=False),  # tries of the step that did not finish (started or failed)
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

# Our prediction of each person's customer-service window (5 messages in 48 h after their own message,
# 3 in a minute after a tap or a follow), corrected when WeChat answers 45015/45047.
wechat_windows = Table(
    "wechat_windows", metadata,
    Column("open_id", String(64), primary_key=True),
    Column("opened_at", UtcDateTime, nullable=False),
    Column("closes_at", UtcDateTime, nullable=False),
    Column("allowance", Integer, nullable=False),
    Column("used", Integer, nullable=False),
)

# The subscription notifications (订阅通知) a person accepted: one use per one-time acceptance,
# `remaining` NULL for a long-term one; a refusal or WeChat's 43101 sets it to 0.
wechat_subscriptions = Table(
    "wechat_subscriptions", metadata,
    Column("open_id", String(64), primary_key=True),
    Column("template_id", String(64), primary_key=True),
    Column("remaining", Integer, nullable=True),
    Column("changed_at", UtcDateTime, nullable=False),
)

# Mass sends per person and month (WeChat allows 4): the formal monthly items only.
wechat_mass_counts = Table(
    "wechat_mass_counts", metadata,
    Column("open_id", String(64), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("sent", Integer, nullable=False),
)

# The permanent QR code (QR_LIMIT_STR_SCENE) made for each scene: an account may make 100,000 in all, so a
# scene's code is made once and reused each time its card is printed again.
wechat_qr_codes = Table(
    "wechat_qr_codes", metadata,
    Column("scene", String(64), primary_key=True),
    Column("ticket", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)
