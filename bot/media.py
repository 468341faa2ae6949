"""The media store: files people send are copied here before a step sees them, and sent again from here.

Files lie content-addressed under the media folder (`<kind>/<sha256[:2]>/<sha256><ext>`) and have one
`media` row per content hash; the domain keeps that row's id. Each channel's reference to a file (a
Telegram file_id, a WeChat media_id, which expires after 3 days) is only a cache in `media_refs`.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from handlers.context import Downloader
from handlers.events import Event, EventKind, Media
from storage.database import Database
from village.clock import Clock
from village.errors import ErrorCode, InvalidInputError
from village.media import MediaKind, MediaPolicy, NewMedia, StoredMedia
from village.people import Identity

_EXTENSIONS = {MediaKind.PHOTO: ".jpg", MediaKind.VOICE: ".ogg", MediaKind.DOCUMENT: ".bin"}
_KINDS = {EventKind.PHOTO: MediaKind.PHOTO, EventKind.VOICE: MediaKind.VOICE, EventKind.DOCUMENT: MediaKind.DOCUMENT}
# How long a channel's reference stays usable; channels not listed keep theirs (Telegram's file ids).
REF_LIFETIMES = {"wechat": timedelta(days=3)}


class MediaKeeper:
    """Keeps files people send and finds them again, for the adapters and the steps."""

    def __init__(self, root: Path, policy: MediaPolicy, database: Database, clock: Clock) -> None:
        self._root = root
        self._policy = policy
        self._database = database
        self._clock = clock

    @property
    def root(self) -> Path:
        """The media folder."""
        return self._root

    async def intake(self, event: Event, downloader: Downloader) -> Event:
        """Copy the event's file into the store; return the event carrying our media id.

        A file over its kind's size limit is not downloaded: its `media_id` stays None and the
        step that wanted it says so (`keep`). Files from people who have not joined are not kept
        either: nothing uses them, and a stranger must not be able to fill our disk.
        """
        media, kind = event.media, _KINDS.get(event.kind)
        if media is None or kind is None or media.media_id is not None:
            return event
        limit = self._policy.limit_bytes(kind)
        if media.size is not None and media.size > limit:
            return event
        async with self._database.transaction() as store:
            identity = await store.identities.find(event.channel, event.external_id)
        if identity is None or identity.person_id is None:
            return event
        data = await downloader.download(media.file_ref)
        if len(data) > limit:
            return event
        stored = await self._record(event, identity, media, kind, data)
        return replace(event, media=replace(media, media_id=stored.id, size=len(data)))

    async def keep(self, media: Media, kind: MediaKind) -> StoredMedia:
        """Return the file the adapter kept for this event.

        Raises:
            InvalidInputError: the file was over the size limit for its kind.
        """
        if media.media_id is None:
            limit = self._policy.limit_bytes(kind)
            raise InvalidInputError(ErrorCode.MEDIA_TOO_LARGE, limit_mb=limit // (1024 * 1024))
        return StoredMedia(media.media_id, kind, media.size or 0, media.mime_type)

    def save(self, data: bytes, kind: MediaKind, extension: str) -> Path:
        """Write bytes content-addressed and return the absolute path (also for images we make)."""
        digest = hashlib.sha256(data).hexdigest()
        path = self._root / kind.value / digest[:2] / f"{digest}{extension}"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(path.suffix + ".part")
            temporary.write_bytes(data)
            temporary.replace(path)  # atomic: a crash never leaves half a file under the real name
        return path

    def path_of(self, stored: StoredMedia) -> Path | None:
        """Return the absolute path of a kept file; None when only a channel holds it."""
        return self._root / stored.path if stored.path else None

    async def get(self, media_id: int) -> StoredMedia | None:
        """Return a kept file by our id."""
        async with self._database.transaction() as store:
            return await store.media.get(media_id)

    async def ref(self, media_id: int, channel: str) -> str | None:
        """Return the channel's cached reference to a kept file, unless it expired."""
        async with self._database.transaction() as store:
            return await store.media_refs.get(media_id, channel, now=self._clock.now())

    async def remember(self, media_id: int, channel: str, ref: str) -> None:
        """Cache the channel's reference to a kept file (replacing one it refused)."""
        lifetime = REF_LIFETIMES.get(channel)
        expires_at = self._clock.now() + lifetime if lifetime else None
        async with self._database.transaction() as store:
            await store.media_refs.put(media_id, channel, ref, expires_at=expires_at)

    async def _record(self, event: Event, identity: Identity, media: Media, kind: MediaKind,
                      data: bytes) -> StoredMedia:
        path = self.save(data, kind, _extension(media, kind))
        now = self._clock.now()
        lifetime = REF_LIFETIMES.get(event.channel)
        async with self._database.transaction() as store:
            stored = await store.media.add(NewMedia(
                kind, path.stem, len(data), media.mime_type, str(path.relative_to(self._root)), now,
                uploaded_by_identity_id=identity.id, uploaded_by_person_id=identity.person_id))
            await store.media_refs.put(stored.id, event.channel, media.file_ref,
                                       expires_at=now + lifetime if lifetime else None)
        return stored


def _extension(media: Media, kind: MediaKind) -> str:
    if media.file_name and "." in media.file_name:
        return "." + media.file_name.rsplit(".", 1)[1].lower()[:8]
    return _EXTENSIONS[kind]
