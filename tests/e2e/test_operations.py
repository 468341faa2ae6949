"""What a district's IT staff watch: /healthz and /metrics on the workers' HTTP server, after real updates."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from bot.emulator.harness import Harness, running_bot
from bot.health import HealthCheck
from bot.leadership import Leadership
from bot.processes import free_port
from storage.database import Database
from tests.conftest import on_both_backends
from tests.e2e.conftest import ALICE, join
from tests.e2e.test_webhook import SECRET, start_update
from tests.factories import load_roster
from village.clock import ManualClock
from village.outbox import MessageKind, NewMessage, Priority


@pytest.fixture
async def polling(db_url: str, database: Database, clock: ManualClock) -> AsyncIterator[tuple[Harness, int]]:
    """The bot in polling mode, with `[metrics] port` set."""
    await load_roster(database, clock)
    port = free_port()
    environ = {"HEMEI_METRICS__PORT": str(port)}
    async with running_bot(db_url, clock=clock, environ=environ) as harness:
        yield harness, port


async def queue_while_nobody_sends(bot: Harness, clock: ManualClock, count: int) -> None:
    """Stop the dispatcher, then queue `count` bulk messages to Alice: they stay due."""
    await bot.runtime.dispatcher.stop()
    async with bot.runtime.database.transaction() as store:
        identity = (await store.identities.of_person((await store.people.by_phone("+8613800000001")).id))[0]
        messages = [NewMessage(f"test:{n}", identity.id, {"text": "通知"}, Priority.BULK,
                               kind=MessageKind.NOTICE_BROADCAST) for n in range(count)]
        await store.outbox.add_many(messages, clock.now())


def sample(page: str, name: str, **labels: str) -> float:
    """Return one sample's value from the exposition text."""
    inside = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = rf"^{re.escape(name)}{re.escape('{' + inside + '}') if labels else ''} (\S+)$"
    found = re.search(pattern, page, re.MULTILINE)
    assert found is not None, f"{name} {labels} not in the page"
    return float(found.group(1))


async def test_healthz_reports_the_database_the_leader_and_the_backlog(
        polling: tuple[Harness, int], clock: ManualClock) -> None:
    bot, port = polling
    await join(bot, ALICE)
    await queue_while_nobody_sends(bot, clock, 3)

    async with httpx.AsyncClient() as client:
        response = await client.get(f"http://127.0.0.1:{port}/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["leader"] == {"known": True, "here": True}
    assert body["outbox"]["due"] == 3
    assert body["outbox"]["by_priority"] == {"9": 3}


async def test_metrics_count_updates_steps_sends_and_the_outbox_depth(
        polling: tuple[Harness, int], clock: ManualClock) -> None:
    bot, port = polling
    await join(bot, ALICE)  # /start, then the shared contact
    await bot.tg.user_says(ALICE, "/score")
    await queue_while_nobody_sends(bot, clock, 2)

    async with httpx.AsyncClient() as client:
        response = await client.get(f"http://127.0.0.1:{port}/metrics")

    page = response.text
    assert response.status_code == 200
    assert sample(page, "hemei_updates_total", kind="command", outcome="ok") == 2
    assert sample(page, "hemei_updates_total", kind="contact", outcome="ok") == 1
    assert sample(page, "hemei_step_seconds_count") == 3
    assert sample(page, "hemei_outbox_depth", priority="9") == 2
    assert "# TYPE hemei_sends_total counter" in page
    assert "# TYPE hemei_job_runs_total counter" in page


async def test_the_webhook_port_serves_healthz_beside_telegrams_path(
        db_url: str, database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)
    port = free_port()
    environ = {"HEMEI_TELEGRAM__MODE": "webhook", "HEMEI_TELEGRAM__WEBHOOK__LISTEN": "127.0.0.1",
               "HEMEI_TELEGRAM__WEBHOOK__PORT": str(port), "HEMEI_TELEGRAM__WEBHOOK__SECRET": SECRET}
    async with running_bot(db_url, clock=clock, environ=environ) as bot, httpx.AsyncClient() as client:
        await client.post(f"http://127.0.0.1:{port}/telegram", json=start_update(1),
                          headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
        await bot.runtime.tracker.wait_for(1)
        health = await client.get(f"http://127.0.0.1:{port}/healthz")
        metrics = await client.get(f"http://127.0.0.1:{port}/metrics")

    assert health.status_code == 200
    assert health.json()["outbox"]["due"] == 0
    assert sample(metrics.text, "hemei_updates_total", kind="command", outcome="ok") == 1


@on_both_backends
async def test_healthz_is_unavailable_while_nobody_leads(backend: str, database: Database, clock: ManualClock) -> None:
    health = HealthCheck(database, clock, leading_here=lambda: False)

    report = await health.check()

    assert not report.healthy
    assert report.body["status"] == "no leader"
    assert report.body["leader"] == {"known": False, "here": False}


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_a_worker_sees_the_leader_of_another_process(db_url: str, database: Database,
                                                           clock: ManualClock) -> None:
    async def nothing() -> None:
        return None

    leader = Leadership(db_url, on_gained=nothing, on_lost=nothing)
    await leader.start()
    try:
        report = await HealthCheck(database, clock, leading_here=lambda: False).check()
    finally:
        await leader.stop()

    assert report.healthy
    assert report.body["leader"] == {"known": True, "here": False}
