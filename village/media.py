"""Files people send (photos, voice, documents): kept by the channel's reference and on disk."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class MediaKind(StrEnum):
    """What a kept file is."""

    PHOTO = "photo"
    VOICE = "voice"
    DOCUMENT = "document"


@dataclass(frozen=True)
class StoredMedia:
    """A kept file: the channel's reference (to resend cheaply) and our own copy's path."""

    kind: MediaKind
    file_ref: str
    path: str
    size: int
    mime_type: str | None = None


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
