"""The district demo's proxy: updates go to the workers in turn, a dead one is skipped, each is awaited handled."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from bot.demo.district import NoWorkerLeftError, RoundRobin
from bot.emulator import FakeBotApi
from bot.emulator.messages import user_message
from bot.processes import BotProcess, Worker
from bot.webhook import SECRET_HEADER

SECRET = "round-robin-secret-0123456789abcdefgh"


class FakeWorkers:
    """Workers on ports 1, 2, ...: each counts the updates posted to it in its /metrics; `dead` ones refuse."""

    def __init__(self, count: int, dead: frozenset[int] = frozenset()) -> None:
        self.handled = dict.fromkeys(range(1, count + 1), 0)
        self.posted: list[tuple[int, int]] = []  # (port, update id)
        self.dead = set(dead)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        port = request.url.port or 0
        if port in self.dead:
            raise httpx.ConnectError("connection refused", request=request)
        if request.method == "POST":
            assert request.headers[SECRET_HEADER] == SECRET
            self.posted.append((port, int(json.loads(request.content)["update_id"])))
            self.handled[port] += 1  # handled at once: the proxy's wait ends at its first look
            return httpx.Response(200)
        page = (f'hemei_updates_total{{kind="message",outcome="ok"}} {self.handled[port]}.0\n'
                f'hemei_updates_created{{kind="message",outcome="ok"}} 1.7e9\n')
        return httpx.Response(200, text=page)


async def deliver_three(workers: FakeWorkers, count: int) -> RoundRobin:
    api = FakeBotApi()
    started = [Worker(BotProcess(Path(f"/nonexistent/{n}/config.toml")), n) for n in range(1, count + 1)]
    async with httpx.AsyncClient(transport=httpx.MockTransport(workers)) as client:
        proxy = RoundRobin(api, started, SECRET, client)
        for text in ("一", "二", "三"):
            user = {"id": 7000, "is_bot": False, "first_name": "张阿婆"}
            await proxy.deliver(api.push(user_message(api.new_message_id(), user, text=text)))
    return proxy


async def test_updates_go_to_the_workers_in_turn() -> None:
    workers = FakeWorkers(2)

    proxy = await deliver_three(workers, 2)

    assert [port for port, _update in workers.posted] == [1, 2, 1]
    assert [d.worker for d in proxy.recent] == [1, 2, 1]
    assert all(d.handled for d in proxy.recent)


async def test_a_dead_worker_is_skipped_and_the_others_take_every_update() -> None:
    workers = FakeWorkers(3, dead=frozenset({1}))

    proxy = await deliver_three(workers, 3)

    assert [port for port, _update in workers.posted] == [2, 3, 2]
    assert proxy.down == {0}
    assert len({update for _port, update in workers.posted}) == 3  # each update once


async def test_with_every_worker_dead_the_update_is_refused() -> None:
    workers = FakeWorkers(2, dead=frozenset({1, 2}))

    with pytest.raises(NoWorkerLeftError):
        await deliver_three(workers, 2)

    assert workers.posted == []
