"""Both halves over real sockets: the fake pushes to our callback (uvicorn on 127.0.0.1), and what our
handler sends back through the client is allowed by the window the push opened."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from bot.wechat.callback import WechatCallback
from bot.wechat.client import WechatClient
from bot.wechat.fake import FakeWechat, PushAccount
from bot.wechat.inputs import Followed, ImageMessage, Input, TextMessage
from bot.wechat.passive import PassiveReply, PassiveText
from bot.wechat.serving import LocalServer
from bot.wechat.settings import WechatSettings
from tests.wechat.conftest import AES_KEY
from village.clock import ManualClock


@dataclass
class Village:
    """Our side: a handler that answers passively and also sends a follow-up through the client."""

    client: WechatClient
    received: list[Input]
    photos: list[bytes]
    release: asyncio.Event

    async def handle(self, received: Input) -> PassiveReply | None:
        self.received.append(received)
        await self.release.wait()
        if isinstance(received, ImageMessage):
            self.photos.append(await self.client.download_media(received.media_id))
        if isinstance(received, Followed):
            await self.client.send_text(received.open_id, f"欢迎！门牌 {received.scene}")
            return None
        return PassiveText("收到")


@pytest.fixture
async def village(fake: FakeWechat, client: WechatClient, http: httpx.AsyncClient,
                  clock: ManualClock) -> AsyncIterator[Village]:
    ours = Village(client, [], [], asyncio.Event())
    ours.release.set()
    settings = WechatSettings(app_id=fake.app_id, app_secret=fake.app_secret, token="village-token",
                              encoding_aes_key=AES_KEY, path="wechat")
    server = LocalServer(WechatCallback(settings, ours.handle, clock=clock, budget_seconds=1.0).app())
    await server.start()
    fake.connect(http, PushAccount(f"{server.url}/wechat", "village-token", fake.app_id, AES_KEY),
                 patience_seconds=0.3)
    yield ours
    await server.stop()


async def test_the_handshake_and_a_message_get_a_passive_reply(fake: FakeWechat, village: Village) -> None:
    assert (await fake.pusher.handshake("hello")).text == "hello"

    answer = await fake.says("o-zhang", "路灯坏了")

    assert "<Content><![CDATA[收到]]></Content>" in fake.pusher.decrypt_reply(answer.text)
    assert isinstance(village.received[0], TextMessage)


async def test_a_qr_follow_opens_the_window_the_welcome_is_sent_in(fake: FakeWechat, village: Village,
                                                                   client: WechatClient) -> None:
    code = await client.create_qrcode("FX01-0042")

    answer = await fake.scans("o-zhang", code.ticket)

    assert answer.text == "success"
    assert fake.sent_to("o-zhang") == ["欢迎！门牌 FX01-0042"]


async def test_a_persons_photo_is_downloaded_from_the_fake(fake: FakeWechat, village: Village) -> None:
    await fake.sends_photo("o-zhang", b"jpeg-bytes")

    assert village.photos == [b"jpeg-bytes"]


async def test_a_slow_answer_is_retried_by_wechat_and_handled_once(fake: FakeWechat, village: Village) -> None:
    village.release.clear()
    push = fake.inputs.text("o-zhang", "路灯坏了")
    releaser = asyncio.get_running_loop().call_later(0.5, village.release.set)

    attempts = await fake.deliver_with_retries(push)

    releaser.cancel()
    assert attempts[0] is None  # WeChat gave up waiting on the first try
    assert [a.text for a in attempts[1:] if a is not None] == ["success"]
    assert len(village.received) == 1
