"""The emulator's webhook behaves as Telegram's: posted again after a failure, in order per chat."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from bot.emulator import FakeBotApi
from bot.emulator.messages import user_message
from tests.e2e.conftest import emulator_posting_again_after

SECRET = "emulator-webhook-secret-0123456789abc"
DROP = 0  # in a script: close the connection without answering


@dataclass
class Receiver:
    """A webhook that answers each post as scripted (per update id, in turn), then 200."""

    script: dict[int, list[int]] = field(default_factory=dict)
    received: list[tuple[int, int]] = field(default_factory=list)  # (update id, what it answered)
    secrets: set[str] = field(default_factory=set)
    port: int = 0


class _Hook(RequestHandler):  # type: ignore[misc]
    def initialize(self, receiver: Receiver) -> None:
        self.receiver = receiver

    def post(self) -> None:
        update_id = int(httpx.Response(200, content=self.request.body).json()["update_id"])
        self.receiver.secrets.add(self.request.headers.get("X-Telegram-Bot-Api-Secret-Token", ""))
        answers = self.receiver.script.get(update_id, [])
        answer = answers.pop(0) if answers else 200
        self.receiver.received.append((update_id, answer))
        if answer == DROP:
            self.request.connection.detach().close()
            self._finished = True
            return
        self.set_status(answer)
        self.finish()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    hook = Receiver()
    sockets = bind_sockets(0, address="127.0.0.1")
    hook.port = sockets[0].getsockname()[1]
    server = HTTPServer(Application([(r"/hook", _Hook, {"receiver": hook})]))
    server.add_sockets(sockets)
    yield hook
    server.stop()
    await server.close_all_connections()


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with emulator_posting_again_after(0.05) as emulator:
        yield emulator


async def call(api: FakeBotApi, method: str, **params: object) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.post(f"{api.base_url}{api.token}/{method}", data={k: str(v) for k, v in params.items()})


def says(api: FakeBotApi, user_id: int, text: str) -> int:
    return api.push(user_message(api.new_message_id(), {"id": user_id, "is_bot": False, "first_name": "R"}, text=text))


async def test_a_post_that_fails_is_posted_again_until_the_bot_takes_it(api: FakeBotApi, receiver: Receiver) -> None:
    await call(api, "setWebhook", url=f"http://127.0.0.1:{receiver.port}/hook", secret_token=SECRET)
    update = says(api, 1, "你好")
    receiver.script[update] = [503, DROP, 500]

    await api.wait_until(lambda: not api.webhook.pending, within=10)

    assert receiver.received == [(update, 503), (update, DROP), (update, 500), (update, 200)]
    assert [p.status for p in api.webhook.posts] == [503, None, 500, 200]
    assert receiver.secrets == {SECRET}


async def test_a_chats_updates_wait_for_the_one_before_while_other_chats_go_on(
        api: FakeBotApi, receiver: Receiver) -> None:
    await call(api, "setWebhook", url=f"http://127.0.0.1:{receiver.port}/hook", secret_token=SECRET)
    first, second = says(api, 1, "一"), says(api, 1, "二")
    other = says(api, 2, "别人")
    receiver.script[first] = [503, 503]

    await api.wait_until(lambda: not api.webhook.pending, within=10)

    order = [update for update, _ in receiver.received]
    assert order.index(other) < order.index(second)  # the other chat did not wait
    assert [u for u in order if u in (first, second)] == [first, first, first, second]  # never ahead of the first


async def test_an_unreachable_webhook_is_posted_again_at_its_new_address(api: FakeBotApi, receiver: Receiver) -> None:
    await call(api, "setWebhook", url="http://127.0.0.1:1/hook", secret_token=SECRET)  # nobody listens there
    update = says(api, 1, "你好")
    await api.wait_until(lambda: len(api.webhook.posts) >= 2, within=10)

    await call(api, "setWebhook", url=f"http://127.0.0.1:{receiver.port}/hook", secret_token=SECRET)
    await api.wait_until(lambda: not api.webhook.pending, within=10)

    assert receiver.received == [(update, 200)]
    assert {p.status for p in api.webhook.posts[:-1]} == {None}


async def test_get_updates_is_refused_while_a_webhook_is_set_and_gets_what_it_left_after_deletion(
        api: FakeBotApi) -> None:
    await call(api, "setWebhook", url="http://127.0.0.1:1/hook", secret_token=SECRET)
    update = says(api, 1, "你好")

    refused = await call(api, "getUpdates", timeout=0)
    await call(api, "deleteWebhook")
    fetched = await call(api, "getUpdates", timeout=0)

    assert refused.status_code == 409
    assert [u["update_id"] for u in fetched.json()["result"]] == [update]


def test_posts_again_at_once_then_after_doubling_pauses_up_to_a_minute() -> None:
    poster = FakeBotApi().webhook

    assert [poster._delay(n) for n in (1, 2, 3, 4, 8, 20)] == [0, 2, 4, 8, 60, 60]
