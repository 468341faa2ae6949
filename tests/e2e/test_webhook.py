"""Webhook mode: Telegram posts updates to us; a missing or wrong secret is refused; the answer waits for the commit."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from bot.emulator.harness import Harness, running_bot
from bot.emulator.messages import user_message
from bot.processes import free_port
from handlers.events import Event
from handlers.replies import Reply
from storage.database import Database
from storage.tables import processed_updates
from tests.e2e.conftest import ALICE, join
from tests.factories import load_roster
from village.clock import ManualClock

SECRET = "village-secret-42-Kq8v1Xo3Rz7T9bLm2Nw5"  # 32 or more characters, as the config requires


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


# --- Telegram is answered only once the update's work is committed ---------------------------------------

STARTED = "请按下面的按钮分享您的手机号"  # the answer to a stranger's /start
APOLOGY = "抱歉，系统出了点问题"


@pytest.fixture
async def posting(db_url: str, database: Database, clock: ManualClock) -> AsyncIterator[tuple[Harness, int]]:
    """The bot in webhook mode with the emulator posting to it, as Telegram would; answers within 3 s."""
    await load_roster(database, clock)
    port = free_port()
    environ = {"HEMEI_TELEGRAM__MODE": "webhook", "HEMEI_TELEGRAM__WEBHOOK__LISTEN": "127.0.0.1",
               "HEMEI_TELEGRAM__WEBHOOK__PORT": str(port), "HEMEI_TELEGRAM__WEBHOOK__SECRET": SECRET,
               "HEMEI_TELEGRAM__WEBHOOK__URL": f"http://127.0.0.1:{port}/telegram",
               "HEMEI_TELEGRAM__WEBHOOK__ANSWER_SECONDS": "3"}
    async with running_bot(db_url, clock=clock, environ=environ) as harness:
        yield harness, port


async def post(port: int, body: dict[str, object]) -> httpx.Response:
    async with httpx.AsyncClient(timeout=30) as client:
        return await client.post(f"http://127.0.0.1:{port}/telegram", json=body,
                                 headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})


async def committed(database: Database, update_id: int) -> bool:
    async with database.connection() as connection:
        found = await connection.execute(select(processed_updates.c.update_ref).where(
            processed_updates.c.channel == "telegram", processed_updates.c.update_ref == str(update_id)))
        return found.first() is not None


async def not_done_within(task: asyncio.Task[Any], seconds: float) -> bool:
    done, _ = await asyncio.wait({task}, timeout=seconds)
    return not done


async def test_telegram_gets_its_answer_only_after_the_update_is_committed(
        posting: tuple[Harness, int], database: Database) -> None:
    bot, port = posting

    async with database.transaction():  # SQLite's write lock: the bot's step waits for it
        answer = asyncio.create_task(post(port, start_update(11)))
        unanswered_while_blocked = await not_done_within(answer, 0.5)
        nothing_sent_yet = bot.api.messages_to(1001) == []
    response = await answer

    assert unanswered_while_blocked
    assert nothing_sent_yet
    assert response.status_code == 200
    assert await committed(database, 11)
    assert STARTED in bot.api.messages_to(1001)[-1].text


async def test_a_duplicate_post_waits_for_the_first_and_the_step_runs_once(
        posting: tuple[Harness, int], database: Database) -> None:
    bot, port = posting

    async with database.transaction():
        first = asyncio.create_task(post(port, start_update(12)))
        await not_done_within(first, 0.2)
        again = asyncio.create_task(post(port, start_update(12)))
        both_waiting = await not_done_within(again, 0.3) and not first.done()
    responses = [await first, await again]

    assert both_waiting
    assert [r.status_code for r in responses] == [200, 200]
    assert len(bot.api.messages_to(1001)) == 1


async def test_a_repost_of_a_committed_update_is_answered_at_once_and_not_run_again(
        posting: tuple[Harness, int], database: Database) -> None:
    bot, port = posting
    first = await post(port, start_update(13))
    sent = len(bot.api.messages_to(1001))

    again_here = await post(port, start_update(13))  # this worker remembers it
    await bot.restart()  # another worker, or this one restarted: only the database remembers
    again_elsewhere = await post(port, start_update(13))

    assert [r.status_code for r in (first, again_here, again_elsewhere)] == [200, 200, 200]
    assert sent == 1
    assert len(bot.api.messages_to(1001)) == 1


@pytest.mark.parametrize("body", [
    {"update_id": 21, "edited_message": user_message(600, {"id": 1001, "is_bot": False, "first_name": "A"},
                                                     text="改一下")["message"]},
    {"update_id": 22, "a_kind_added_later": {"id": 1}},  # a Bot API newer than our PTB
    {"update_id": 23},
])
async def test_updates_no_handler_takes_are_answered_at_once(posting: tuple[Harness, int],
                                                             body: dict[str, object]) -> None:
    bot, port = posting

    response = await post(port, body)

    assert response.status_code == 200  # a 503 after the 3 s bound if nothing marked it done
    assert bot.api.messages_to(1001) == []


@pytest.mark.parametrize("update_id", ["23", None, True, [1]])
async def test_an_update_id_that_is_not_a_number_is_a_bad_request(posting: tuple[Harness, int],
                                                                  update_id: object) -> None:
    _, port = posting

    response = await post(port, {**start_update(24), "update_id": update_id})

    assert response.status_code == 400


async def test_an_update_not_done_in_time_gets_503_and_its_repost_is_answered_once_done(
        posting: tuple[Harness, int], database: Database) -> None:
    bot, port = posting

    async with database.transaction():  # longer than the bound of 3 s
        late = await post(port, start_update(25))
    await bot.runtime.tracker.wait_for(25)
    repost = await post(port, start_update(25))

    assert late.status_code == 503
    assert repost.status_code == 200
    assert len(bot.api.messages_to(1001)) == 1


async def test_a_step_failing_on_the_database_gets_503_without_an_apology_and_the_repost_is_answered(
        posting: tuple[Harness, int], monkeypatch: pytest.MonkeyPatch) -> None:
    bot, port = posting
    engine = bot.runtime.engine
    handle = engine.handle
    failures = [OperationalError("INSERT", {}, Exception("database is locked"))]

    async def failing_once(event: Event, **kwargs: Any) -> list[Reply]:
        if failures:
            raise failures.pop()
        return await handle(event, **kwargs)

    monkeypatch.setattr(engine, "handle", failing_once)
    failed = await post(port, start_update(26))
    nothing_sent = bot.api.messages_to(1001) == []
    repost = await post(port, start_update(26))

    assert failed.status_code == 503
    assert nothing_sent
    assert repost.status_code == 200
    assert [STARTED in m.text for m in bot.api.messages_to(1001)] == [True]


async def test_a_step_failing_on_a_bug_apologises_once_and_is_done(
        posting: tuple[Harness, int], monkeypatch: pytest.MonkeyPatch) -> None:
    bot, port = posting

    async def broken(event: Event, **kwargs: Any) -> list[Reply]:
        raise RuntimeError("a bug")

    monkeypatch.setattr(bot.runtime.engine, "handle", broken)
    response = await post(port, start_update(27))

    assert response.status_code == 200  # posting it again would only fail (and apologise) again
    texts = [m.text for m in bot.api.messages_to(1001)]
    assert len(texts) == 1
    assert APOLOGY in texts[0]


async def test_residents_chat_through_the_emulators_webhook(posting: tuple[Harness, int]) -> None:
    bot, _ = posting

    await join(bot, ALICE)
    await bot.tg.user_says(ALICE, "/score")

    assert "getUpdates" not in [method for method, _ in bot.api.calls]
    assert {p.status for p in bot.api.webhook.posts} == {200}
    assert len(bot.api.webhook.posts) == 3
    assert bot.tg.last_text(ALICE)


async def test_stopping_answers_the_posts_waiting_for_their_update_first(
        posting: tuple[Harness, int], database: Database) -> None:
    bot, port = posting
    webhook = bot.runtime.webhook
    assert webhook is not None

    async with database.transaction():
        answer = asyncio.create_task(post(port, start_update(28)))
        await not_done_within(answer, 0.3)
        stopping = asyncio.create_task(webhook.stop())
        still_stopping = await not_done_within(stopping, 0.3)
    response = await answer
    await stopping

    assert still_stopping
    assert response.status_code == 200  # not a connection cut off midway
    assert STARTED in bot.api.messages_to(1001)[-1].text
