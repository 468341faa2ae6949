"""The one handler for unexpected errors: log with context, apologise in the person's language."""

from __future__ import annotations

import logging
from collections.abc import Callable
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


class ErrorReporter:
    """Logs an unexpected error (no token, no phone numbers) and tells the person politely."""

    def __init__(self, engine: Engine, channel: TelegramChannel, fallback: Callable[[], Reply]) -> None:
        self._engine = engine
        self._channel = channel
        self._fallback = fallback

    async def report(self, update: object, error: BaseException | None) -> None:
        """Log the failure with the update's id and apologise to its sender, with the menu if possible."""
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("unexpected error while handling update %s", update_id, exc_info=error)
        event = event_of(update) if isinstance(update, Update) else None
        if event is None:
            return
        try:
            reply = await self._engine.apology(event)
        except Exception:  # the database may be what failed; apologise without the menu
            log.exception("could not build the apology for update %s", update_id)
            reply = self._fallback()
        try:
            await self._channel.send(event.chat_ref, reply)
        except DeliveryError:
            log.warning("could not deliver the apology for update %s", update_id)

    async def on_ptb_error(self, update: object, context: CallbackContext[Any, Any, Any, Any]) -> None:
        """PTB's error handler, for failures outside our update handler (e.g. while polling)."""
        await self.report(update, context.error)
