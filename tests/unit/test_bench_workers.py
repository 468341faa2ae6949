"""The workers benchmark tells a late answer from one that never came (without starting any worker)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any, cast

import pytest

from bench.workers import Worker, closed_loop
from bot.emulator import FakeBotApi


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    emulator = FakeBotApi()
    await emulator.start()
    yield emulator
    await emulator.stop()


async def fake_worker(api: FakeBotApi, plan: list[str]) -> asyncio.Server:
    """Serve webhook posts: take each update (200), then answer it at once, late, or never, as `plan` says."""

    async def answer(chat_id: int, delay: float) -> None:
        await asyncio.sleep(delay)
        await api.call("sendMessage", {"chat_id": chat_id, "text": "score"}, {})  # as a worker's send arrives

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):  # the client closed it
                await take(reader, writer)
        finally:
            writer.close()

    async def take(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while head := await reader.readuntil(b"\r\n\r\n"):
            length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length"))
            update: dict[str, Any] = json.loads(await reader.readexactly(length))
            fate = plan.pop(0)
            if fate != "never":
                asyncio.get_running_loop().create_task(answer(update["message"]["chat"]["id"],
                                                              0.0 if fate == "now" else 0.3))
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()

    return await asyncio.start_server(serve, "127.0.0.1", 0)


async def test_late_answers_are_counted_apart_from_those_never_given(api: FakeBotApi) -> None:
    server = await fake_worker(api, ["now", "late", "never", "now"])
    port = server.sockets[0].getsockname()[1]
    try:
        loop = await closed_loop(api, [Worker(cast(Any, None), port)], [7001], 4, "/score",
                                 answer_seconds=0.1, straggler_seconds=1.0)
    finally:
        server.close()
        await server.wait_closed()

    assert (len(loop.latencies), loop.late, len(loop.never or [])) == (3, 1, 1)
    assert sorted(loop.latencies)[-1] >= 0.3  # the late one's latency counts, as it is
