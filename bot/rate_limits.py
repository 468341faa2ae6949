"""python-telegram-bot's rate-limiter seam, filled by the send budget: every Bot API call to a chat passes it."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.budget import FloodWait, SendBudget

Result = bool | dict[str, Any] | list[dict[str, Any]]


class BudgetRateLimiter(BaseRateLimiter[int]):
    """Takes a token of the budget before each call to a chat; tells the budget of each 429.

    Calls without a chat (getUpdates, answerCallbackQuery, getFile) are not messages and pass
    freely, as with PTB's own limiter. Hemei talks in private chats only, so PTB's 20/min group
    limit has no counterpart here.
    """

    def __init__(self, budget: SendBudget) -> None:
        self.budget = budget

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def process_request(self, callback: Callable[..., Coroutine[Any, Any, Result]], args: Any,
                              kwargs: dict[str, Any], endpoint: str, data: dict[str, Any],
                              rate_limit_args: int | None) -> Result:
        """Wait for the call's turn, make it, and record a flood wait it meets."""
        chat_id = data.get("chat_id")
        if chat_id is None:
            return await callback(*args, **kwargs)
        chat = str(chat_id)
        try:
            await self.budget.acquire(chat)
        except FloodWait as wait:  # the caller sees what Telegram itself would have answered
            raise RetryAfter(timedelta(seconds=wait.seconds)) from None
        try:
            return await callback(*args, **kwargs)
        except RetryAfter as error:
            retry = error.retry_after
            seconds = retry.total_seconds() if isinstance(retry, timedelta) else float(retry)
            self.budget.flooded(chat, seconds)
            raise
        finally:
            self.budget.answered()
