"""Webhook mode: Telegram posts updates to us; a missing or wrong secret is refused."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import httpx
import pytest

from bot.emulator.harness import Harness, running_bot
from bot.emulator.messages import user_message
from storage.database import Database
from tests.factories import load_roster
from village.clock import ManualClock

SECRET = "village-secret-42-Kq8v1Xo3Rz7T9bLm2Nw5"  # 32 or more characters, as the config requires


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def hooked(db_url: str, database: Database, clock: ManualClock) -> AsyncIterator[tuple[Harness, int]]:
    await load_roster(database, clock)
    port = free_port()
    environ = {"HEMEI_TELEGRAM__MODE": "webhook", "HEMEI_TELEGRAM__WEBHOOK__LISTEN": "127.0.0.1",
               "HEMEI_TELEGRAM__WEBHOOK__PORT": str(port), "HEMEI_TELEGRAM__WEBHOOK__URL": "https://bot.example/hook",
               "HEMEI_TELEGRAM__WEBHOOK__SECRET": SECRET}
    async with running_bot(db_url, clock=clock, environ=environ) as harness:
        yield harness, port


def start_update(update_id: int) -> dict[str, object]:
    sender = {"id": 1001, "is_bot": False, "first_name": "Alice"}
    body = user_message(500 + update_id, sender, text="/start", entities=[{"type": "bot_command", "offset": 0,
                                                                            "length": 6}])
    return {"update_id": update_id, **body}


async def test_webhook_update_with_the_secret_is_answered(hooked: tuple[Harness, int]) -> None:
    bot, port = hooked

    async with httpx.AsyncClient() as client:
        response = await client.post(f"http://127.0.0.1:{port}/telegram", json=start_update(1),
                                     headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
    await bot.runtime.tracker.wait_for(1)

    assert response.status_code == 200
    assert ("setWebhook" in [method for method, _ in bot.api.calls])
    assert "请按下面的按钮分享您的手机号" in bot.api.messages_to(1001)[-1].text


async def test_webhook_update_without_the_secret_is_refused(hooked: tuple[Harness, int]) -> None:
    bot, port = hooked

    async with httpx.AsyncClient() as client:
        response = await client.post(f"http://127.0.0.1:{port}/telegram", json=start_update(2),
                                     headers={"X-Telegram-Bot-Api-Secret-Token": "guess"})

    assert response.status_code == 403
    assert bot.api.messages_to(1001) == []


def forged_approval(update_id: int) -> dict[str, object]:
    """A press of the secretary's ✅ on join request 1, as an outsider could post it."""
    secretary = {"id": 1009, "is_bot": False, "first_name": "Li"}
    message = user_message(900, {"id": 1009, "is_bot": False, "first_name": "Li"}, text="入村申请")["message"]
    return {"update_id": update_id, "callback_query": {"id": "forged", "from": secretary, "chat_instance": "1",
                                                       "data": "jr:ok:1", "message": message}}


@pytest.mark.parametrize("headers", [{}, {"X-Telegram-Bot-Api-Secret-Token": ""},
                                     {"X-Telegram-Bot-Api-Secret-Token": SECRET[:-1]}])
async def test_a_forged_button_press_without_the_secret_is_refused_unhandled(
        hooked: tuple[Harness, int], headers: dict[str, str]) -> None:
    bot, port = hooked

    async with httpx.AsyncClient() as client:
        response = await client.post(f"http://127.0.0.1:{port}/telegram", json=forged_approval(3), headers=headers)

    assert response.status_code == 403
    assert bot.runtime.application.update_queue.empty()
    assert bot.api.messages_to(1009) == []


async def test_a_post_that_is_not_an_update_is_a_bad_request(hooked: tuple[Harness, int]) -> None:
    _, port = hooked

    async with httpx.AsyncClient() as client:
        response = await client.post(f"http://127.0.0.1:{port}/telegram", content=b"[1, 2",
                                     headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})

    assert response.status_code == 400
