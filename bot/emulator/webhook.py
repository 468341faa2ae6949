"""The emulator's webhook: once the bot calls setWebhook, updates are posted to it as Telegram posts them.

As Telegram's Bot API server does: updates of one chat are posted one at a time, in order (a chat's next
update waits until the bot answered 2xx for the one before), so a slow chat holds up only itself; an
update whose post fails (connection refused or reset, no answer in time, a status other than 2xx) is
posted again, at once the first time, then after 2, 4, 8 … seconds up to a minute, or after the
Retry-After the bot answered. Button presses queue apart from messages (Telegram keeps them apart too).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import httpx

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_CONNECTIONS = 40  # setWebhook's default max_connections


@dataclass(frozen=True)
class Post:
    """One post of an update to the webhook and how it ended."""

    update_id: int
    url: str
    status: int | None  # the bot's HTTP status; None: no answer (refused, reset, timed out)


class WebhookPoster:
    """Posts updates to the bot's webhook: in order per chat, again after a failure."""

    def __init__(self, on_post: Callable[[], None] = lambda: None) -> None:
        self._on_post = on_post  # after every post (the emulator's `wait_until` looks again)
        self.url = ""
        self.secret = ""
        self.first_retry = 2.0  # seconds before the second re-post; the first is at once
        self.max_retry = 60.0
        self.timeout = 60.0  # seconds Telegram waits for an answer
        self.posts: list[Post] = []
        self._queues: dict[Hashable, deque[dict[str, Any]]] = {}
        self._tasks: dict[Hashable, asyncio.Task[None]] = {}
        self._connections = asyncio.Semaphore(MAX_CONNECTIONS)
        self._client: httpx.AsyncClient | None = None
        self._unique = itertools.count()

    @property
    def pending(self) -> int:
        """Updates not yet answered 2xx (the one being posted included)."""
        return sum(len(queue) for queue in self._queues.values())

    def set(self, url: str, secret: str) -> None:
        """Post to `url` from now on (also the re-posts of updates waiting), with `secret` in the header."""
        self.url, self.secret = url, secret
        for key in self._queues:
            self._drain_soon(key)

    def add(self, update: dict[str, Any]) -> None:
        """Queue an update behind its chat's earlier ones."""
        key = _queue_of(update, self._unique)
        self._queues.setdefault(key, deque()).append(update)
        self._drain_soon(key)

    async def take_back(self) -> list[dict[str, Any]]:
        """Stop posting (deleteWebhook) and return the updates not yet delivered, oldest first."""
        self.url = ""
        await self._cancel()
        waiting = sorted((u for queue in self._queues.values() for u in queue), key=lambda u: int(u["update_id"]))
        self._queues.clear()
        return waiting

    async def stop(self) -> None:
        """Stop posting and close the connections."""
        self.url = ""
        await self._cancel()
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _drain_soon(self, key: Hashable) -> None:
        if self.url and key not in self._tasks:
            self._tasks[key] = asyncio.get_running_loop().create_task(self._drain(key))

    async def _drain(self, key: Hashable) -> None:
        """Post the chat's updates in order, each until the bot takes it."""
        queue, failures = self._queues[key], 0
        try:
            while queue and self.url:
                ok, retry_after = await self._post(queue[0])
                if ok:
                    queue.popleft()
                    failures = 0
                    continue
                failures += 1
                await asyncio.sleep(retry_after if retry_after is not None else self._delay(failures))
            if not queue:
                del self._queues[key]
        finally:
            self._tasks.pop(key, None)

    def _delay(self, failures: int) -> float:
        """At once after the first failure, then doubling from `first_retry` up to `max_retry`."""
        return 0.0 if failures == 1 else min(self.max_retry, self.first_retry * 2 ** (failures - 2))

    async def _post(self, update: dict[str, Any]) -> tuple[bool, float | None]:
        """Post one update; return whether the bot took it, and the Retry-After it asked for."""
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self.timeout)
        url, status, retry_after = self.url, None, None
        async with self._connections:
            try:
                answer = await self._client.post(url, json=update, headers={SECRET_HEADER: self.secret},
                                                 timeout=self.timeout)
                status = answer.status_code
                with contextlib.suppress(ValueError):
                    retry_after = float(answer.headers["Retry-After"]) if "Retry-After" in answer.headers else None
            except httpx.HTTPError:  # refused, reset, timed out: no answer
                pass
        self.posts.append(Post(int(update["update_id"]), url, status))
        self._on_post()
        return status is not None and 200 <= status < 300, retry_after

    async def _cancel(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()


def _queue_of(update: dict[str, Any], unique: itertools.count[int]) -> Hashable:
    """Return the queue an update waits in: its chat's (a button press: its user's), else its own."""
    if "callback_query" in update:
        return ("press", update["callback_query"].get("from", {}).get("id"))
    for kind in ("message", "edited_message"):
        if kind in update:
            return ("chat", update[kind].get("chat", {}).get("id"))
    return ("alone", next(unique))
