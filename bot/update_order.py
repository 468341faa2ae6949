"""Updates of different people handled at once, each person's one at a time and in the order received."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class PerPersonOrder(BaseUpdateProcessor):
    """PTB's concurrent updates, with a lock per person: their taps stay in order, others need not wait.

    Tasks reach their person's lock in the order PTB created them (FIFO locks), so a person's
    second tap is handled after the first even when both arrive in one batch.
    """

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[object, asyncio.Lock] = {}
        self._users: dict[object, int] = {}  # updates holding or waiting for each lock, to forget idle ones

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run `coroutine` once the person's earlier updates are done."""
        key = _person_of(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key], self._locks[key]

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""


def _person_of(update: object) -> object:
    """Return whose update this is: the Telegram user, else the update itself (nothing to order it with)."""
    if isinstance(update, Update) and update.effective_user is not None:
        return update.effective_user.id
    return id(update)
