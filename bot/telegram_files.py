"""Sending kept files on Telegram: by the cached file_id, else one upload from our copy whose id is cached."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from telegram import Message
from telegram.error import BadRequest

from bot.channels import PermanentError
from bot.media import MediaKeeper

log = logging.getLogger(__name__)

# How Telegram words a refusal of the file_id itself (one it no longer knows, or of another kind).
_REFUSED_FILE_SIGNS = ("file identifier", "file_id", "file reference", "can't use file of type")

Send = Callable[[Any], Awaitable[Message]]  # sends the given file_id or path, with the message's other parts


class KeptFiles:
    """Sends kept files by media id, reusing Telegram's file_id for each."""

    def __init__(self, media: MediaKeeper, channel: str) -> None:
        self._media = media
        self._channel = channel
        # One upload per file at a time: a broadcast's concurrent sends wait for it, then reuse its file_id.
        self._uploads: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def send(self, media_id: int, send: Send) -> None:
        """Send a kept file by its cached file_id; upload it (and cache the new id) when there is none.

        Telegram refuses a file_id it no longer knows (another bot token, a file it dropped): the file
        is then uploaded again from our copy and the new id replaces the old one.
        """
        cached = await self._media.ref(media_id, self._channel)
        if cached is not None and await _sent_by_id(send, cached, media_id):
            return
        async with self._uploads[media_id]:
            fresh = await self._media.ref(media_id, self._channel)  # another send may have uploaded it meanwhile
            if fresh not in (None, cached) and await _sent_by_id(send, fresh, media_id):
                return
            message = await send(await self._path(media_id))
            file_id = sent_file_id(message)
            if file_id is not None:
                await self._media.remember(media_id, self._channel, file_id)

    async def _path(self, media_id: int) -> Path:
        stored = await self._media.get(media_id)
        path = self._media.path_of(stored) if stored is not None else None
        if path is None or not path.exists():
            raise PermanentError(f"media {media_id} has no file on disk to upload")
        return path


async def _sent_by_id(send: Send, file_id: str | None, media_id: int) -> bool:
    """Send by file_id; False when Telegram refuses that id (any other error is raised)."""
    try:
        await send(file_id)
    except BadRequest as error:
        if not refuses_file_id(error):
            raise
        log.info("Telegram refused the cached file id of media %s (%s): uploading it again", media_id, error)
        return False
    return True


def refuses_file_id(error: BadRequest) -> bool:
    """Tell whether Telegram refused a file_id itself ("wrong file identifier", a file of another type...)."""
    message = str(error).lower()
    return any(sign in message for sign in _REFUSED_FILE_SIGNS)


def sent_file_id(message: Message) -> str | None:
    """Return the file_id Telegram gave the file a message carries."""
    if message.photo:
        return message.photo[-1].file_id
    found = message.document or message.voice or message.audio
    return found.file_id if found is not None else None
