"""WeChat: the cached access token per account, shared by every process of the deployment."""

from __future__ import annotations

from sqlalchemy import Column, String, Table, Text

from storage.tables.base import metadata
from storage.types import UtcDateTime

wechat_tokens = Table(
    "wechat_tokens", metadata,
    Column("app_id", String(32), primary_key=True),
    Column("access_token", Text, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("fetched_at", UtcDateTime, nullable=False),
)
