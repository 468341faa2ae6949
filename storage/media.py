"""The media store's rows: kept files by our id (one per content hash) and each channel's reference to them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update

from storage.repository import Repository, new_id
from storage.tables import media, media_refs
from village.media import MediaKind, NewMedia, StoredMedia


class MediaRepository(Repository):
    """Kept files; the same bytes are one row."""

    async def add(self, new: NewMedia) -> StoredMedia:
        """Record a file and return it; a file with the same content hash returns the existing row."""
        values = {"sha256": new.sha256, "kind": new.kind.value, "size": new.size, "mime": new.mime_type,
                  "path": new.path, "created_at": new.created_at,
                  "uploaded_by_identity_id": new.uploaded_by_identity_id,
                  "uploaded_by_person_id": new.uploaded_by_person_id}
        if new.sha256 is None:
            media_id = new_id(await self._db.execute(media.insert().values(**values)))
            return StoredMedia(media_id, new.kind, new.size, new.mime_type, new.path)
        # The same bytes kept before, or by another process just now, stay one row.
        await self._insert_ignore(media, values)
        found = await self.by_sha256(new.sha256)
        assert found is not None
        return found

    async def get(self, media_id: int) -> StoredMedia | None:
        """Return a kept file by our id."""
        row = (await self._db.execute(select(media).where(media.c.id == media_id))).first()
        return _stored(row) if row else None

    async def by_sha256(self, sha256: str) -> StoredMedia | None:
        """Return the kept file with this content hash."""
        row = (await self._db.execute(select(media).where(media.c.sha256 == sha256))).first()
        return _stored(row) if row else None


class MediaRefRepository(Repository):
    """Each channel's reference to a kept file: how to send it again without uploading."""

    async def get(self, media_id: int, channel: str, *, now: datetime) -> str | None:
        """Return the channel's reference, unless it has expired."""
        query = select(media_refs.c.ref).where(
            media_refs.c.media_id == media_id, media_refs.c.channel == channel,
            or_(media_refs.c.expires_at.is_(None), media_refs.c.expires_at > now))
        return (await self._db.execute(query)).scalar()

    async def put(self, media_id: int, channel: str, ref: str, *, expires_at: datetime | None = None) -> None:
        """Remember (or replace) the channel's reference to a kept file."""
        values: dict[str, Any] = {"ref": ref, "expires_at": expires_at}
        if not await self._insert_ignore(media_refs, {"media_id": media_id, "channel": channel, **values}):
            await self._db.execute(update(media_refs).where(
                media_refs.c.media_id == media_id, media_refs.c.channel == channel).values(**values))

    async def forget(self, media_id: int, channel: str) -> None:
        """Drop the channel's reference (it refused it)."""
        await self._db.execute(delete(media_refs).where(
            media_refs.c.media_id == media_id, media_refs.c.channel == channel))


def _stored(row: Any) -> StoredMedia:
    return StoredMedia(row.id, MediaKind(row.kind), int(row.size), row.mime, row.path)
