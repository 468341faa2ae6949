"""Files people send (photos, voice, documents) and images we make: kept in our media store by our own id.

A channel's reference to a file (a Telegram file_id, a WeChat media_id) is only a cache of how to send
that file again on that channel; the domain holds our media id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class MediaKind(StrEnum):
    """What a kept file is."""

    PHOTO = "photo"
    VOICE = "voice"
    DOCUMENT = "document"


@dataclass(frozen=True)
class StoredMedia:
    """A kept file, by our media id; `path` is relative to the media folder (None: known only to a channel)."""

    id: int
    kind: MediaKind
    size: int
    mime_type: str | None = None
    path: str | None = None


@dataclass(frozen=True)
class NewMedia:
    """A file to record: its content hash and where it lies, and who sent it (None for files we made)."""

    kind: MediaKind
    sha256: str | None
    size: int
    mime_type: str | None
    path: str | None
    created_at: datetime
    uploaded_by_identity_id: int | None = None
    uploaded_by_person_id: int | None = None


class MediaPolicy(BaseModel):
    """Where files are kept and how large they may be, in megabytes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    dir: str = ""
    max_photo_mb: float = Field(default=10, gt=0, le=50)
    max_voice_mb: float = Field(default=10, gt=0, le=50)
    max_document_mb: float = Field(default=20, gt=0, le=50)

    def limit_bytes(self, kind: MediaKind) -> int:
        """Return the size limit for a kind of file."""
        megabytes = {MediaKind.PHOTO: self.max_photo_mb, MediaKind.VOICE: self.max_voice_mb,
                     MediaKind.DOCUMENT: self.max_document_mb}[kind]
        return int(megabytes * 1024 * 1024)
