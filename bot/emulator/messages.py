"""Bot API JSON shapes the emulator answers with and the updates it delivers."""

from __future__ import annotations

import time
from typing import Any


def private_chat(user: dict[str, Any]) -> dict[str, Any]:
    """Return the private chat with a user."""
    return {"id": user["id"], "type": "private", "first_name": user["first_name"]}


def message_json(message_id: int, chat_id: int, sender: dict[str, Any], *, text: str = "",
                 reply_markup: dict[str, Any] | None = None, caption: bool = False,
                 extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return a Message object sent by `sender` into the private chat `chat_id`."""
    body: dict[str, Any] = {
        "message_id": message_id, "date": int(time.time()), "from": sender,
        "chat": {"id": chat_id, "type": "private", "first_name": "villager"},
    }
    if text:
        body["caption" if caption else "text"] = text
    if reply_markup and "inline_keyboard" in reply_markup:
        body["reply_markup"] = reply_markup
    body.update(extra or {})
    return body


def photo_sizes(file_id: str, size: int) -> list[dict[str, Any]]:
    """Return the PhotoSize list of a photo."""
    return [{"file_id": file_id, "file_unique_id": file_id, "width": 800, "height": 600, "file_size": size}]


def user_message(message_id: int, user: dict[str, Any], **content: Any) -> dict[str, Any]:
    """Return the body of an update carrying a message from `user`."""
    return {"message": {"message_id": message_id, "date": int(time.time()), "chat": private_chat(user),
                        "from": user, **content}}


def command_entities(text: str) -> list[dict[str, Any]]:
    """Return the bot_command entity for a text starting with /."""
    command = text.split(" ", 1)[0]
    return [{"type": "bot_command", "offset": 0, "length": len(command)}] if text.startswith("/") else []
