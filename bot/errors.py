"""The one handler for unexpected errors: log with context, apologise in the person's language."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import CallbackContext

from bot.channels import DeliveryError
from bot.telegram import TelegramChannel, event_of
from handlers.engine import Engine
from handlers.replies import Reply
from handlers.texts import _

log = logging.getLogger(__name__)

PLAIN_SORRY = _("Sorry, something went wrong on our side. Please try again in a moment, or tap a button below.")

ErrorHandler = Callable[[object, CallbackContext[Any, Any, Any, Any]], Awaitable[None]]


def error_handler(engine: Engine, channel: TelegramChannel, fallback: Callable[[], Reply]) -> ErrorHandler:
    """Return PTB's error handler: log the failure (no token, no phone) and tell the person."""

    async def on_error(update: object, context: CallbackContext[Any, Any, Any, Any]) -> None:
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("unexpected error while handling update %s", update_id, exc_info=context.error)
        event = event_of(update) if isinstance(update, Update) else None
        if event is None:
            return
        try:
            reply = await engine.apology(event)
        except Exception:  # the database may be what failed; apologise without the menu
            log.exception("could not build the apology for update %s", update_id)
            reply = fallback()
        try:
            await channel.send(event.chat_ref, reply)
        except DeliveryError:
            log.warning("could not deliver the apology for update %s", update_id)

    return on_error
