"""media_store: every kept file is a `media` row (our id); channels' references move to `media_refs`

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 17:10:00.000000

Before this revision the domain kept Telegram file ids (with our copy's path beside them) in columns and
JSON. Each becomes a media id: a file we hold (its path names its content hash) is one row per hash; a
file id without a local copy becomes a row with no path, sendable on Telegram only. Every reference
stored so far came from Telegram.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TELEGRAM = "telegram"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# (table, prefix, kind): `<prefix>_ref` and `<prefix>_path` become `<prefix>_media_id`.
_PAIRS = (("assessments", "photo", "photo"), ("appeals", "voice", "voice"), ("rectifications", "photo", "photo"))

_media = sa.table("media", sa.column("id", sa.Integer), sa.column("sha256", sa.String), sa.column("kind", sa.String),
                  sa.column("size", sa.BigInteger), sa.column("mime", sa.String), sa.column("path", sa.String),
                  sa.column("created_at", storage.types.UtcDateTime()))
_refs = sa.table("media_refs", sa.column("media_id", sa.Integer), sa.column("channel", sa.String),
                 sa.column("ref", sa.String), sa.column("expires_at", storage.types.UtcDateTime()))


class _Kept:
    """Makes (once per content hash or file id) the media rows for old references, and reads them back."""

    def __init__(self, bind: sa.Connection) -> None:
        self._bind = bind
        self._ids: dict[str, int] = {}
        self._now = datetime.now(UTC)

    def media_id(self, kind: str, ref: str | None, path: str | None, size: int = 0, mime: str | None = None) -> int:
        """Return the media id for an old (file id, path) pair, creating the row on first sight."""
        sha = _sha256_of(path)
        keys = [k for k in (f"sha:{sha}" if sha else None, f"ref:{ref}" if ref else None) if k]
        found = next((self._ids[k] for k in keys if k in self._ids), None)
        if found is None:
            found = self._insert(kind, sha, path if sha else None, size, mime)
            if ref:
                self._bind.execute(_refs.insert().values(media_id=found, channel=TELEGRAM, ref=ref, expires_at=None))
        self._ids.update(dict.fromkeys(keys, found))
        return found

    def _insert(self, kind: str, sha: str | None, path: str | None, size: int, mime: str | None) -> int:
        result = self._bind.execute(_media.insert().values(
            sha256=sha, kind=kind, size=size, mime=mime, path=path, created_at=self._now).returning(_media.c.id))
        return int(result.scalar_one())

    def old(self, media_id: int | None) -> tuple[str, str]:
        """Return (Telegram file id, path) for a media id, empty strings for what is not known (downgrade)."""
        if media_id is None:
            return "", ""
        path = self._bind.execute(sa.select(_media.c.path).where(_media.c.id == media_id)).scalar()
        ref = self._bind.execute(sa.select(_refs.c.ref).where(
            _refs.c.media_id == media_id, _refs.c.channel == TELEGRAM)).scalar()
        return ref or "", path or ""


def _sha256_of(path: str | None) -> str | None:
    """Return the content hash a kept file's name carries (`<kind>/<ab>/<sha256><ext>`), if it does."""
    if not path:
        return None
    stem = PurePosixPath(path).name.split(".", 1)[0]
    return stem if _SHA256.match(stem) else None


def upgrade() -> None:
    _create_tables()
    kept = _Kept(op.get_bind())
    _report_media_up(kept)
    for table, prefix, kind in _PAIRS:
        _pair_up(kept, table, prefix, kind)
    _topics_up(kept)
    _stages_up(kept)
    _json_rows("notices", "attachment", lambda value: _attachment_up(kept, value))
    _json_rows("outbox", "payload", lambda value: _payload_up(kept, value))
    _json_rows("conversations", "draft", lambda value: _draft_up(kept, value))


def downgrade() -> None:
    kept = _Kept(op.get_bind())
    _json_rows("conversations", "draft", lambda value: _draft_down(kept, value))
    _json_rows("outbox", "payload", lambda value: _payload_down(kept, value))
    _json_rows("notices", "attachment", lambda value: _attachment_down(kept, value))
    _stages_down(kept)
    _topics_down(kept)
    for table, prefix, _kind in _PAIRS:
        _pair_down(kept, table, prefix)
    _report_media_down(kept)
    op.drop_table("media_refs")
    op.drop_table("media")


def _create_tables() -> None:
    op.create_table(
        "media",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("mime", sa.String(length=100), nullable=True),
        sa.Column("path", sa.String(length=300), nullable=True),
        sa.Column("created_at", storage.types.UtcDateTime(), nullable=False),
        sa.Column("uploaded_by_identity_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_by_person_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["uploaded_by_identity_id"], ["identities.id"],
                                name=op.f("fk_media_uploaded_by_identity_id_identities"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["uploaded_by_person_id"], ["people.id"],
                                name=op.f("fk_media_uploaded_by_person_id_people"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media")),
        sa.UniqueConstraint("sha256", name=op.f("uq_media_sha256")),
    )
    op.create_table(
        "media_refs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("media_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("ref", sa.String(length=300), nullable=False),
        sa.Column("expires_at", storage.types.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["media_id"], ["media.id"], name=op.f("fk_media_refs_media_id_media"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_refs")),
        sa.UniqueConstraint("media_id", "channel", name=op.f("uq_media_refs_media_id_channel")),
    )


# --- report_media: kind, file_ref, path, size and mime_type now live in `media` ---------------------

_OLD_REPORT_MEDIA = ("kind", "file_ref", "path", "size", "mime_type")


def _report_media_up(kept: _Kept) -> None:
    with op.batch_alter_table("report_media") as batch:
        batch.add_column(sa.Column("media_id", sa.Integer(), nullable=True))
    table = sa.table("report_media", sa.column("id"), sa.column("media_id"),
                     *(sa.column(name) for name in _OLD_REPORT_MEDIA))
    bind = op.get_bind()
    for row in bind.execute(sa.select(table).order_by(table.c.id)).all():
        media_id = kept.media_id(row.kind, row.file_ref, row.path, int(row.size), row.mime_type)
        bind.execute(table.update().where(table.c.id == row.id).values(media_id=media_id))
    with op.batch_alter_table("report_media") as batch:
        batch.alter_column("media_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(op.f("fk_report_media_media_id_media"), "media", ["media_id"], ["id"])
        batch.create_index(op.f("ix_report_media_media_id"), ["media_id"])
        for name in _OLD_REPORT_MEDIA:
            batch.drop_column(name)


def _report_media_down(kept: _Kept) -> None:
    with op.batch_alter_table("report_media") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("file_ref", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("path", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("size", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("mime_type", sa.String(length=100), nullable=True))
    table = sa.table("report_media", sa.column("id"), sa.column("media_id"),
                     *(sa.column(name) for name in _OLD_REPORT_MEDIA))
    bind = op.get_bind()
    query = sa.select(table.c.id, table.c.media_id, _media.c.kind, _media.c.size, _media.c.mime).join(
        _media, _media.c.id == table.c.media_id)
    for row in bind.execute(query).all():
        ref, path = kept.old(row.media_id)
        bind.execute(table.update().where(table.c.id == row.id).values(
            kind=row.kind, file_ref=ref, path=path, size=row.size, mime_type=row.mime))
    with op.batch_alter_table("report_media") as batch:
        for name in ("kind", "file_ref", "path", "size"):
            batch.alter_column(name, existing_type=_OLD_TYPES[name], nullable=False)
        batch.drop_index(op.f("ix_report_media_media_id"))
        batch.drop_constraint(op.f("fk_report_media_media_id_media"), type_="foreignkey")
        batch.drop_column("media_id")


_OLD_TYPES: dict[str, Any] = {"kind": sa.String(length=10), "file_ref": sa.String(length=200),
                              "path": sa.String(length=300), "size": sa.Integer()}


# --- <prefix>_ref + <prefix>_path -> <prefix>_media_id --------------------------------------------------

def _pair_up(kept: _Kept, table_name: str, prefix: str, kind: str) -> None:
    ref, path, media = f"{prefix}_ref", f"{prefix}_path", f"{prefix}_media_id"
    _add_media_column(table_name, media)
    table = sa.table(table_name, sa.column("id"), sa.column(ref), sa.column(path), sa.column(media))
    bind = op.get_bind()
    for row in bind.execute(sa.select(table).where(table.c[ref].is_not(None)).order_by(table.c.id)).all():
        media_id = kept.media_id(kind, row[1], row[2])
        bind.execute(table.update().where(table.c.id == row.id).values({media: media_id}))
    with op.batch_alter_table(table_name) as batch:
        batch.drop_column(ref)
        batch.drop_column(path)


def _pair_down(kept: _Kept, table_name: str, prefix: str) -> None:
    ref, path, media = f"{prefix}_ref", f"{prefix}_path", f"{prefix}_media_id"
    with op.batch_alter_table(table_name) as batch:
        batch.add_column(sa.Column(ref, sa.String(length=200), nullable=True))
        batch.add_column(sa.Column(path, sa.String(length=300), nullable=True))
    table = sa.table(table_name, sa.column("id"), sa.column(ref), sa.column(path), sa.column(media))
    bind = op.get_bind()
    for row in bind.execute(sa.select(table.c.id, table.c[media]).where(table.c[media].is_not(None))).all():
        old_ref, old_path = kept.old(row[1])
        bind.execute(table.update().where(table.c.id == row.id).values({ref: old_ref, path: old_path or None}))
    _drop_media_column(table_name, media)


def _add_media_column(table_name: str, column: str) -> None:
    with op.batch_alter_table(table_name) as batch:
        batch.add_column(sa.Column(column, sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f(f"fk_{table_name}_{column}_media"), "media", [column], ["id"])


def _drop_media_column(table_name: str, column: str) -> None:
    with op.batch_alter_table(table_name) as batch:
        batch.drop_constraint(op.f(f"fk_{table_name}_{column}_media"), type_="foreignkey")
        batch.drop_column(column)


# --- topics.voice_ref (a file id only) and matter_stages' document -------------------------------------

def _topics_up(kept: _Kept) -> None:
    _add_media_column("topics", "voice_media_id")
    table = sa.table("topics", sa.column("id"), sa.column("voice_ref"), sa.column("voice_media_id"))
    bind = op.get_bind()
    for row in bind.execute(sa.select(table).where(table.c.voice_ref.is_not(None))).all():
        media_id = kept.media_id("voice", row.voice_ref, None)
        bind.execute(table.update().where(table.c.id == row.id).values(voice_media_id=media_id))
    with op.batch_alter_table("topics") as batch:
        batch.drop_column("voice_ref")


def _topics_down(kept: _Kept) -> None:
    with op.batch_alter_table("topics") as batch:
        batch.add_column(sa.Column("voice_ref", sa.String(length=200), nullable=True))
    table = sa.table("topics", sa.column("id"), sa.column("voice_ref"), sa.column("voice_media_id"))
    bind = op.get_bind()
    for row in bind.execute(sa.select(table).where(table.c.voice_media_id.is_not(None))).all():
        bind.execute(table.update().where(table.c.id == row.id).values(voice_ref=kept.old(row.voice_media_id)[0]))
    _drop_media_column("topics", "voice_media_id")


def _stages_up(kept: _Kept) -> None:
    _add_media_column("matter_stages", "document_media_id")
    table = sa.table("matter_stages", sa.column("id"), sa.column("document_kind"), sa.column("document_ref"),
                     sa.column("document_path"), sa.column("document_media_id"))
    bind = op.get_bind()
    for row in bind.execute(sa.select(table).where(table.c.document_ref.is_not(None))).all():
        media_id = kept.media_id(row.document_kind or "document", row.document_ref, row.document_path)
        bind.execute(table.update().where(table.c.id == row.id).values(document_media_id=media_id))
    with op.batch_alter_table("matter_stages") as batch:
        batch.drop_column("document_ref")
        batch.drop_column("document_path")


def _stages_down(kept: _Kept) -> None:
    with op.batch_alter_table("matter_stages") as batch:
        batch.add_column(sa.Column("document_ref", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("document_path", sa.String(length=300), nullable=True))
    table = sa.table("matter_stages", sa.column("id"), sa.column("document_ref"), sa.column("document_path"),
                     sa.column("document_media_id"))
    bind = op.get_bind()
    for row in bind.execute(sa.select(table).where(table.c.document_media_id.is_not(None))).all():
        ref, path = kept.old(row.document_media_id)
        bind.execute(table.update().where(table.c.id == row.id).values(document_ref=ref, document_path=path))
    _drop_media_column("matter_stages", "document_media_id")


# --- JSON: notice attachments, queued messages' attachments, conversation drafts ------------------------

def _json_rows(table_name: str, column: str, change: Callable[[Any], Any]) -> None:
    """Rewrite one JSON column row by row; rows `change` leaves equal are not written."""
    key = "identity_id" if table_name == "conversations" else "id"
    table = sa.table(table_name, sa.column(key), sa.column(column, sa.JSON()))
    bind = op.get_bind()
    for row in bind.execute(sa.select(table).where(table.c[column].is_not(None))).all():
        value = row[1]
        changed = change(value)
        if changed != value:
            bind.execute(table.update().where(table.c[key] == row[0]).values({column: changed}))


def _attachment_up(kept: _Kept, value: Any) -> Any:
    """A notice's attachment: {kind, file_ref, path, file_name} -> {kind, media_id, file_name}."""
    if not isinstance(value, dict) or "file_ref" not in value:
        return value
    media_id = kept.media_id(value["kind"], value["file_ref"], value.get("path"))
    return {"kind": value["kind"], "media_id": media_id, "file_name": value.get("file_name")}


def _attachment_down(kept: _Kept, value: Any) -> Any:
    if not isinstance(value, dict) or "media_id" not in value:
        return value
    ref, path = kept.old(value["media_id"])
    return {"kind": value["kind"], "file_ref": ref, "path": path, "file_name": value.get("file_name")}


def _payload_up(kept: _Kept, value: Any) -> Any:
    """A queued reply's attachment: a `file_ref` becomes a `media_id`; a made file's `path` stays."""
    attachment = value.get("attachment") if isinstance(value, dict) else None
    if not isinstance(attachment, dict) or "file_ref" not in attachment:
        return value
    attachment = dict(attachment)  # a copy: the row is written only when it differs from what was read
    ref = attachment.pop("file_ref")
    attachment["media_id"] = kept.media_id(attachment["kind"], ref, None) if ref else None
    return {**value, "attachment": attachment}


def _payload_down(kept: _Kept, value: Any) -> Any:
    attachment = value.get("attachment") if isinstance(value, dict) else None
    if not isinstance(attachment, dict) or "media_id" not in attachment:
        return value
    attachment = dict(attachment)
    media_id = attachment.pop("media_id")
    attachment["file_ref"] = kept.old(media_id)[0] or None if media_id is not None else None
    return {**value, "attachment": attachment}


def _draft_up(kept: _Kept, draft: Any) -> Any:
    """Drafts: kept files (`file_ref` with `path`), the sheet's photo (`ref`, `path`), a topic's voice (a file id)."""
    if not isinstance(draft, dict):
        return draft
    changed = {key: _draft_value_up(kept, key, value) for key, value in draft.items()}
    return changed


def _draft_value_up(kept: _Kept, key: str, value: Any) -> Any:
    if isinstance(value, list):
        return [_draft_value_up(kept, key, item) for item in value]
    if not isinstance(value, dict):
        return kept.media_id("voice", value, None) if key == "voice" and isinstance(value, str) else value
    if "file_ref" in value:  # a report's photo or voice, a stage's document, a notice's attachment
        media_id = kept.media_id(value["kind"], value["file_ref"], value.get("path"), int(value.get("size") or 0),
                                 value.get("mime_type"))
        rest = {k: v for k, v in value.items() if k not in ("file_ref", "path")}
        return {**rest, "media_id": media_id}
    if key == "photo" and "ref" in value:  # the assessment sheet's evidence photo
        return {"media_id": kept.media_id("photo", value["ref"], value.get("path"))}
    return value


def _draft_down(kept: _Kept, draft: Any) -> Any:
    if not isinstance(draft, dict):
        return draft
    return {key: _draft_value_down(kept, key, value) for key, value in draft.items()}


def _draft_value_down(kept: _Kept, key: str, value: Any) -> Any:
    if isinstance(value, list):
        return [_draft_value_down(kept, key, item) for item in value]
    if key == "voice" and isinstance(value, int) and not isinstance(value, bool):
        return kept.old(value)[0]
    if not isinstance(value, dict) or "media_id" not in value:
        return value
    ref, path = kept.old(value["media_id"])
    rest = {k: v for k, v in value.items() if k != "media_id"}
    if key == "photo" and set(rest) == set():
        return {"ref": ref, "path": path}
    return {**rest, "file_ref": ref, "path": path}
