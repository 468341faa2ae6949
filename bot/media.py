"""Keeping files people send: download through the channel, check the size, save under the media folder."""

from __future__ import annotations

import hashlib
from pathlib import Path

from handlers.context import Downloader
from handlers.events import Media
from village.errors import ErrorCode, InvalidInputError
from village.media import MediaKind, MediaPolicy, StoredMedia

_EXTENSIONS = {MediaKind.PHOTO: ".jpg", MediaKind.VOICE: ".ogg", MediaKind.DOCUMENT: ".bin"}


class Downloads:
    """Routes a download to the channel a file reference comes from: a prefix names the channel."""

    def __init__(self, default: Downloader | None, by_prefix: dict[str, Downloader]) -> None:
        self._default, self._by_prefix = default, by_prefix

    async def download(self, file_ref: str) -> bytes:
        """Return the file's bytes from its channel."""
        for prefix, downloader in self._by_prefix.items():
            if file_ref.startswith(prefix):
                return await downloader.download(file_ref)
        if self._default is None:
            raise LookupError(f"no channel serves the file reference {file_ref[:20]!r}")
        return await self._default.download(file_ref)


class MediaKeeper:
    """Saves files under `root/<kind>/<sha256-prefix>/<sha256><ext>`; the same file is stored once."""

    def __init__(self, root: Path, policy: MediaPolicy, downloader: Downloader) -> None:
        self._root = root
        self._policy = policy
        self._downloader = downloader

    @property
    def root(self) -> Path:
        """The media folder."""
        return self._root

    async def keep(self, media: Media, kind: MediaKind) -> StoredMedia:
        """Download and store a file a person sent.

        Raises:
            InvalidInputError: the file is over the size limit for its kind.
        """
        limit = self._policy.limit_bytes(kind)
        if media.size is not None and media.size > limit:
            raise InvalidInputError(ErrorCode.MEDIA_TOO_LARGE, limit_mb=limit // (1024 * 1024))
        data = await self._downloader.download(media.file_ref)
        if len(data) > limit:
            raise InvalidInputError(ErrorCode.MEDIA_TOO_LARGE, limit_mb=limit // (1024 * 1024))
        path = self.save(data, kind, _extension(media, kind))
        return StoredMedia(kind, media.file_ref, str(path.relative_to(self._root)), len(data), media.mime_type)

    def save(self, data: bytes, kind: MediaKind, extension: str) -> Path:
        """Write bytes content-addressed and return the absolute path."""
        digest = hashlib.sha256(data).hexdigest()
        path = self._root / kind.value / digest[:2] / f"{digest}{extension}"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(path.suffix + ".part")
            temporary.write_bytes(data)
            temporary.replace(path)  # atomic: a crash never leaves half a file under the real name
        return path

    def path_of(self, stored: StoredMedia) -> Path:
        """Return the absolute path of a kept file."""
        return self._root / stored.path


def _extension(media: Media, kind: MediaKind) -> str:
    if media.file_name and "." in media.file_name:
        return "." + media.file_name.rsplit(".", 1)[1].lower()[:8]
    return _EXTENSIONS[kind]
