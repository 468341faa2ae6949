"""The Telegram adapter: Update → Event, and rendered Reply → Bot API calls. Nothing else knows Telegram."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatType, InlineKeyboardButtonLimit, MessageLimit
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application

from bot.callback_tokens import CallbackTokens
from bot.channels import PermanentError, RateLimitedError, TemporaryError, UnreachableError
from bot.media import MediaKeeper
from bot.telegram_files import KeptFiles
from bot.telegram_layout import inline_rows, keyboard_rows, messages, removes_keyboard
from handlers.events import Contact, Event, EventKind, Location, Media
from handlers.replies import Attachment, AttachmentKind, Choice, InputKind, Reply
from village.geo import Datum

log = logging.getLogger(__name__)

CHANNEL = "telegram"
TEXT_LIMIT = MessageLimit.MAX_TEXT_LENGTH
CAPTION_LIMIT = MessageLimit.CAPTION_LENGTH
CALLBACK_LIMIT = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA  # bytes of a button's data

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None


def event_of(update: Update) -> Event | None:
    """Translate an update from a private chat into an event; None for anything we ignore."""
    if update.callback_query is not None:
        return _button_event(update)
    message = update.message
    if message is None or message.from_user is None or message.chat.type != ChatType.PRIVATE:
        return None
    kind, fields = _message_fields(message)
    return Event(
        channel=CHANNEL, external_id=str(message.from_user.id), chat_ref=str(message.chat.id), kind=kind,
        display_name=message.from_user.full_name, update_ref=str(update.update_id), **fields,
    )


def _button_event(update: Update) -> Event | None:
    query = update.callback_query
    assert query is not None
    message = query.message
    if message is None or message.chat.type != ChatType.PRIVATE:
        return None
    return Event(
        channel=CHANNEL, external_id=str(query.from_user.id), chat_ref=str(message.chat.id), kind=EventKind.BUTTON,
        payload=query.data or "", display_name=query.from_user.full_name, update_ref=str(update.update_id),
        message_ref=str(message.message_id),
    )


def _message_fields(message: Message) -> tuple[EventKind, dict[str, Any]]:
    text = message.text or message.caption or ""
    if message.text and message.text.startswith("/"):
        head, _, argument = message.text[1:].partition(" ")
        return EventKind.COMMAND, {"command": head.split("@")[0].lower(), "text": argument.strip()}
    if message.contact:
        own = message.from_user is not None and message.contact.user_id == message.from_user.id
        name = " ".join(filter(None, [message.contact.first_name, message.contact.last_name]))
        return EventKind.CONTACT, {"contact": Contact(message.contact.phone_number, own, name)}
    if message.location:
        # Telegram's coordinates are GPS ones (WGS-84).
        point = Location(message.location.latitude, message.location.longitude, Datum.WGS84)
        return EventKind.LOCATION, {"location": point}
    if message.photo:
        largest = message.photo[-1]
        return EventKind.PHOTO, {"text": text, "media": Media(largest.file_id, largest.file_size, "image/jpeg")}
    if message.voice:
        voice = message.voice
        media = Media(voice.file_id, voice.file_size, voice.mime_type, duration=int(voice.duration.total_seconds()))
        return EventKind.VOICE, {"text": text, "media": media}
    if message.document:
        doc = message.document
        return EventKind.DOCUMENT, {"text": text, "media": Media(doc.file_id, doc.file_size, doc.mime_type,
                                                                   doc.file_name)}
    if message.text:
        return EventKind.TEXT, {"text": message.text}
    return EventKind.OTHER, {"text": text}


class TelegramChannel:
    """Sends rendered replies through PTB's bot (and its rate limiter); fetches files people send."""

    name = CHANNEL
    keeps_for_return = False  # Telegram says nothing when a blocker comes back: their messages are not kept

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any], tokens: CallbackTokens,
                 media: MediaKeeper | None = None) -> None:
        self._bot = application.bot
        self._tokens = tokens
        self._files = KeptFiles(media, CHANNEL) if media is not None else None  # sent by cached file_id, else uploaded

    async def restore(self, event: Event) -> Event:
        """Return a button press with the payload its (possibly shortened) data stands for."""
        if event.kind is not EventKind.BUTTON or event.payload is None:
            return event
        return replace(event, payload=await self._tokens.restore(event.payload))

    async def send(self, chat_ref: str, reply: Reply, *, edit_ref: str | None = None) -> None:
        """Send one reply; Telegram errors become the channel's delivery errors.

        During a flood wait the bot's rate limiter (bot/rate_limits.py) refuses sends in its scope
        at once with the time left, without asking Telegram.
        """
        try:
            await self._send(int(chat_ref), await self._shortened(reply), edit_ref)
        except Forbidden as error:
            raise UnreachableError(str(error)) from error
        except RetryAfter as error:
            retry = error.retry_after
            wait = retry if isinstance(retry, timedelta) else timedelta(seconds=retry)
            raise RateLimitedError(wait) from error
        except BadRequest as error:  # a subclass of NetworkError, but retrying will not help
            raise PermanentError(str(error)) from error
        except (TimedOut, NetworkError) as error:
            raise TemporaryError(str(error)) from error
        except TelegramError as error:
            raise PermanentError(str(error)) from error

    async def _shortened(self, reply: Reply) -> Reply:
        """Swap button data over Telegram's 64 bytes for short tokens."""
        choices = [c for row in reply.choices for c in row] + list(reply.navigation)
        if all(len(c.payload.encode()) <= CALLBACK_LIMIT for c in choices):
            return reply
        rows = tuple([tuple([await self._short(c) for c in row]) for row in reply.choices])
        return replace(reply, choices=rows, navigation=tuple([await self._short(c) for c in reply.navigation]))

    async def _short(self, choice: Choice) -> Choice:
        return Choice(choice.label, await self._tokens.shorten(choice.payload, CALLBACK_LIMIT))

    async def download(self, file_ref: str) -> bytes:
        """Return the bytes of a file a person sent."""
        file = await self._bot.get_file(file_ref)
        return bytes(await file.download_as_bytearray())

    async def _send(self, chat_id: int, reply: Reply, edit_ref: str | None) -> None:
        for message in messages(reply):
            await self._send_message(chat_id, message, edit_ref)

    async def _send_message(self, chat_id: int, reply: Reply, edit_ref: str | None) -> None:
        text = reply.text if isinstance(reply.text, str) else ""
        if reply.edit and edit_ref is not None:
            await self._edit(chat_id, int(edit_ref), text, reply)
            return
        if reply.location is not None:
            await self._bot.send_location(chat_id, latitude=reply.location[0], longitude=reply.location[1])
        if reply.attachment is not None:
            if len(text) <= CAPTION_LIMIT:  # the text fits as the caption: one message
                await self._send_attachment(chat_id, reply.attachment, text or None, _markup(reply))
                return
            await self._send_attachment(chat_id, reply.attachment, None, None)
        chunks = split_text(text)
        for chunk in chunks[:-1]:
            await self._bot.send_message(chat_id, chunk)
        if chunks:
            await self._bot.send_message(chat_id, chunks[-1], reply_markup=_markup(reply))

    async def _edit(self, chat_id: int, message_id: int, text: str, reply: Reply) -> None:
        markup = _markup(reply)
        inline = markup if isinstance(markup, InlineKeyboardMarkup) else None
        try:
            await self._bot.edit_message_text(text[:TEXT_LIMIT], chat_id=chat_id, message_id=message_id,
                                              reply_markup=inline)
        except BadRequest as error:
            if "not modified" not in str(error).lower():
                raise

    async def _send_attachment(self, chat_id: int, attachment: Attachment, caption: str | None,
                               markup: Markup) -> None:
        senders: dict[AttachmentKind, Callable[..., Awaitable[Message]]] = {
            AttachmentKind.PHOTO: self._bot.send_photo,
            AttachmentKind.DOCUMENT: self._bot.send_document,
            AttachmentKind.VOICE: self._bot.send_voice,
        }
        extra = {"filename": attachment.file_name} if attachment.kind is AttachmentKind.DOCUMENT else {}
        send = partial(senders[attachment.kind], chat_id, caption=caption, reply_markup=markup, **extra)
        if attachment.media_id is None:  # made just now (a chart, an export): upload it
            await send(attachment.data or Path(attachment.path or ""))
            return
        if self._files is None:
            raise PermanentError(f"no media store to send media {attachment.media_id} from")
        await self._files.send(attachment.media_id, send)


def _markup(reply: Reply) -> Markup:
    inline = inline_rows(reply)
    if inline:
        return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
                                     for row in inline])
    keys = keyboard_rows(reply)
    if keys is not None:
        rows = [[_key_button(k.label, k.request) for k in row] for row in keys]
        return ReplyKeyboardMarkup(rows, resize_keyboard=True, is_persistent=True)
    if removes_keyboard(reply):
        return ReplyKeyboardRemove()
    return None


def _key_button(label: str, request: InputKind) -> KeyboardButton:
    return KeyboardButton(label, request_contact=request is InputKind.CONTACT or None,
                          request_location=request is InputKind.LOCATION or None)


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split text over Telegram's limit into parts, at line breaks where possible; nothing is dropped."""
    parts: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > limit // 2 else limit
        parts.append(text[:cut])
        text = text[cut:].lstrip("\n")
    if text:
        parts.append(text)
    return parts
