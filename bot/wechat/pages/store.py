"""What the pages show: a message's full text and files to download, kept on disk under opaque references.

A folder rather than a table: several processes share the media folder already, files belong on disk,
and a page outlives its link by little. References are random, so a guessed one finds nothing even
before the link's signature is checked.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

REF = re.compile(r"[A-Za-z0-9_-]{16,64}")


@dataclass(frozen=True)
class PageMessage:
    """A message in full: what a 20-character teaser stands for."""

    title: str
    text: str


@dataclass(frozen=True)
class PageFile:
    """A file to download: its name as the person will see it, its type and its bytes."""

    name: str
    mime_type: str
    content: bytes


class PageStore:
    """Keeps page contents in `root`, one JSON file (and for files, one data file) per reference."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def put_message(self, title: str, text: str) -> str:
        """Keep a message; return its reference."""
        return self._put({"kind": "message", "title": title, "text": text})

    def put_file(self, name: str, mime_type: str, content: bytes) -> str:
        """Keep a file; return its reference."""
        ref = self._put({"kind": "file", "name": name, "mime_type": mime_type})
        (self._root / f"{ref}.bin").write_bytes(content)
        return ref

    def message(self, ref: str) -> PageMessage | None:
        """Return the message kept under `ref`, if any."""
        meta = self._meta(ref, "message")
        return PageMessage(str(meta["title"]), str(meta["text"])) if meta else None

    def file(self, ref: str) -> PageFile | None:
        """Return the file kept under `ref`, if any."""
        meta = self._meta(ref, "file")
        data = self._root / f"{ref}.bin"
        if meta is None or not data.is_file():
            return None
        return PageFile(str(meta["name"]), str(meta["mime_type"]), data.read_bytes())

    def _put(self, meta: dict[str, str]) -> str:
        self._root.mkdir(parents=True, exist_ok=True)
        ref = secrets.token_urlsafe(18)
        (self._root / f"{ref}.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        return ref

    def _meta(self, ref: str, kind: str) -> dict[str, object] | None:
        path = self._root / f"{ref}.json"
        if not REF.fullmatch(ref) or not path.is_file():  # the pattern keeps a reference inside the folder
            return None
        meta = json.loads(path.read_text(encoding="utf-8"))
        return meta if isinstance(meta, dict) and meta.get("kind") == kind else None
