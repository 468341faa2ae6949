"""A WeChat account for the tests: settings, a callback with a recording handler, and WeChat pushing to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from bot.wechat.callback import WechatCallback
from bot.wechat.fake.inputs import InputFactory
from bot.wechat.fake.pushes import PushAccount, Pusher
from bot.wechat.inputs import Input
from bot.wechat.passive import PassiveReply
from bot.wechat.settings import WechatSettings
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
