"""A WeChat account for the tests: settings, a callback with a recording handler, and WeChat pushing to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
import pytest

from bot.wechat.api import WechatApi
from bot.wechat.callback import WechatCallback
from bot.wechat.client import WechatClient
from bot.wechat.fake import FakeWechat
from bot.wechat.fake.inputs import InputFactory
from bot.wechat.fake.pushes import PushAccount, Pusher
from bot.wechat.inputs import Input
from bot.wechat.passive import PassiveReply
from bot.wechat.pauses import RoutePauses
from bot.wechat.settings import WechatSettings
from bot.wechat.tokens import MemoryTokenStore, TokenStore
from village.clock import ManualClock

APP_ID = "wx49f0ab532d5d035a"
AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
URL = "http://hemei.test/wechat"


def wechat_settings(*, aes: bool = True) -> WechatSettings:
    return WechatSettings(app_id=APP_ID, app_secret="fake-secret", token="fake-token",
                          encoding_aes_key=AES_KEY if aes else "", path="wechat")


@dataclass
class Recorder:
    """The injected handler: records every input and answers with `reply`."""

    reply: PassiveReply | None = None
    received: list[Input] = field(default_factory=list)

    async def __call__(self, received: Input) -> PassiveReply | None:
        self.received.append(received)
        return self.reply


@dataclass
class Account:
    """Our callback as an ASGI app, and WeChat's side pushing to it in-process."""

    handler: Recorder
    callback: WechatCallback
    pusher: Pusher
    inputs: InputFactory
    http: httpx.AsyncClient


@asynccontextmanager
async def connected(settings: WechatSettings, clock: ManualClock, *, handler: Any = None,
                    **options: Any) -> AsyncIterator[Account]:
    """Build the callback around `handler` (a Recorder by default) and a pusher aimed at it."""
    handler = handler or Recorder()
    callback = WechatCallback(settings, handler, clock=clock, **options)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=callback.app())) as http:
        keys = PushAccount(URL, settings.token.get_secret_value(), APP_ID, settings.encoding_aes_key.get_secret_value())
        yield Account(handler, callback, Pusher(http, keys, clock), InputFactory(clock), http)


@pytest.fixture
async def account(clock: ManualClock) -> AsyncIterator[Account]:
    """The account in safe mode."""
    async with connected(wechat_settings(), clock) as ready:
        yield ready


@pytest.fixture
async def fake(clock: ManualClock) -> AsyncIterator[FakeWechat]:
    """The fake WeChat API, served on 127.0.0.1."""
    wechat = FakeWechat(clock)
    await wechat.start()
    yield wechat
    await wechat.stop()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client with a short timeout, so injected delays time out quickly."""
    async with httpx.AsyncClient(timeout=1.0) as client:
        yield client


@dataclass
class Alerts:
    """The admin alerts raised by paused routes."""

    raised: list[tuple[str, datetime]] = field(default_factory=list)

    async def __call__(self, route: str, until: datetime) -> None:
        self.raised.append((route, until))


def client_for(fake: FakeWechat, http: httpx.AsyncClient, clock: ManualClock, *, store: TokenStore | None = None,
               alerts: Alerts | None = None) -> WechatClient:
    """Return a client of the fake's account."""
    api = WechatApi(http, base_url=fake.base_url, app_id=fake.app_id, app_secret=fake.app_secret,
                    store=store or MemoryTokenStore(), clock=clock, pauses=RoutePauses(clock, alert=alerts))
    return WechatClient(api)


@pytest.fixture
def alerts() -> Alerts:
    """Collects admin alerts."""
    return Alerts()


@pytest.fixture
def client(fake: FakeWechat, http: httpx.AsyncClient, clock: ManualClock, alerts: Alerts) -> WechatClient:
    """A client of the fake's account."""
    return client_for(fake, http, clock, alerts=alerts)
