"""Which Telegram updates are done, so the webhook (and tests, the demo) can wait for one.

An update is marked done once its work is committed and its replies sent, or definitively failed; the webhook
answers Telegram only then (bot/webhook.py). A worker runs for months: only a window of the most recent
outcomes is kept (a waiter comes within seconds of its update), and ids in flight are forgotten when marked.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict

RECENT_OUTCOMES = 10_000  # about a megabyte; far more than a worker handles while a waiter looks


class UpdateTracker:
    """Records the outcome of each handled update and wakes whoever waits for it."""

    def __init__(self, keep: int = RECENT_OUTCOMES) -> None:
        self._keep = keep
        self._done: OrderedDict[int, bool] = OrderedDict()  # update id -> its work is done (False: try again)
        self._posted: set[int] = set()  # queued by the webhook, not yet marked: a duplicate post waits for it
        # Each waiter is woken by its own update alone: with many waiting, waking all on every update
        # cost the bot time for each of them (the benchmark's twenty residents).
        self._waiters: dict[int, list[asyncio.Future[None]]] = {}

    def post(self, update_id: int) -> bool:
        """Note that the webhook got `update_id`; return whether to queue it (False: it is queued already).

        An update that failed here before (outcome False) is queued again: Telegram posts it again for that.
        """
        if update_id in self._posted:
            return False
        self._posted.add(update_id)
        self._done.pop(update_id, None)
        return True

    def posted(self, update_id: int) -> bool:
        """Tell whether the webhook waits for `update_id` (so Telegram will post it again if it fails)."""
        return update_id in self._posted

    def outcome(self, update_id: int) -> bool | None:
        """Return True when `update_id` is done, False when it failed and may be tried again, None if unknown."""
        return self._done.get(update_id)

    async def mark(self, update_id: int, *, ok: bool = True) -> None:
        """Record that `update_id` was handled (`ok`) or failed in a way worth trying again (not `ok`)."""
        self._posted.discard(update_id)
        self._done[update_id] = ok
        self._done.move_to_end(update_id)
        while len(self._done) > self._keep:
            self._done.popitem(last=False)
        for waiter in self._waiters.pop(update_id, []):
            if not waiter.done():
                waiter.set_result(None)

    async def wait_for(self, update_id: int, within: float = 30) -> None:
        """Wait until `update_id` has been handled (or failed); TimeoutError after `within` seconds."""
        if update_id in self._done:
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(update_id, []).append(waiter)
        try:
            async with asyncio.timeout(within):
                await waiter
        finally:
            waiting = self._waiters.get(update_id)
            if waiting is not None and waiter in waiting:
                waiting.remove(waiter)
                if not waiting:
                    del self._waiters[update_id]

    async def result(self, update_id: int, within: float) -> bool:
        """Wait for `update_id` and return whether its work is done (False: failed, worth posting again)."""
        await self.wait_for(update_id, within)
        return self._done.get(update_id, False)
