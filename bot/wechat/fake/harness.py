"""The real bot serving its WeChat callback, with the fake WeChat pushing to it: for the demo and tests.

Everything goes over real HTTP in safe mode: the fake encrypts and signs each push, our callback checks,
decrypts and answers, and customer-service messages go from the outbox to the fake's API.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import httpx
import xmltodict

from bot.app import Runtime, build_runtime
from bot.config import Config, load_config
from bot.wechat.endpoint import WechatEndpoint
from bot.wechat.fake.inputs import Push
from bot.wechat.fake.pushes import PushAccount
from bot.wechat.fake.server import FakeWechat
from village.clock import Clock

FAKE_TOKEN = "fake-callback-token"
FAKE_AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
PUSH_PATIENCE_SECONDS = 5.0  # how long the fake waits for an answer before it retries, as WeChat does


@dataclass(frozen=True)
class Answer:
    """What a person sees after one input: the passive reply (or none), then customer-service messages."""

    passive: str | None
    later: tuple[str, ...] = ()
    passive_image: str | None = None

    @property
    def texts(self) -> list[str]:
        """Return every text the person sees, in order."""
        return [t for t in (self.passive, *self.later) if t]

    @property
    def text(self) -> str:
        """Return everything the person sees as one text."""
        return "\n".join(self.texts)


@dataclass
class WechatHarness:
    """The fake WeChat, the bot runtime, and a driver acting as people."""

    fake: FakeWechat
    runtime: Runtime
    config: Config
    clock: Clock
    http: httpx.AsyncClient
    seen: dict[str, int] = field(default_factory=dict)

    @property
    def endpoint(self) -> WechatEndpoint:
        """Return the runtime's WeChat side."""
        assert self.runtime.wechat is not None
        return self.runtime.wechat

    async def says(self, open_id: str, text: str) -> Answer:
        """The person types a text; return what they see."""
        self.fake.world.follow(open_id)
        return await self.sends(self.fake.inputs.text(open_id, text))

    async def taps(self, open_id: str, label: str, menu_id: str) -> Answer:
        """The person taps a `bizmsgmenu` link or a `msgmenu` option: its label comes back with its id."""
        self.fake.world.follow(open_id)
        return await self.sends(self.fake.inputs.text(open_id, label, menu_id=menu_id))

    async def sends(self, push: Push) -> Answer:
        """Deliver a push, WeChat-style; return the passive reply and what the outbox sent after it."""
        response = await self.fake.deliver(push)
        return await self.answer_of(push.open_id, response)

    async def answer_of(self, open_id: str, response: httpx.Response) -> Answer:
        """Return what the person sees from a callback's answer plus the messages sent since."""
        await self.runtime.settle()
        body = response.text
        passive, image = None, None
        if body and body != "success":
            fields = xmltodict.parse(self.fake.pusher.decrypt_reply(body))["xml"]
            passive = fields.get("Content")
            image = fields.get("Image", {}).get("MediaId") if fields.get("MsgType") == "image" else None
        return Answer(passive, tuple(self.new_messages(open_id)), image)

    def new_messages(self, open_id: str) -> list[str]:
        """Return the texts sent to the person by customer-service message since last asked."""
        sent = self.fake.sent_to(open_id)
        start, self.seen[open_id] = self.seen.get(open_id, 0), len(sent)
        return sent[start:]

    async def restart(self) -> None:
        """Stop the bot gracefully and start a fresh process-equivalent on the same database."""
        await self.runtime.stop()
        self.runtime = build_runtime(self.config, clock=self.clock)
        await self._start()

    async def _start(self) -> None:
        await self.runtime.start(timed_jobs=False)
        keys = PushAccount(self.endpoint.url, FAKE_TOKEN, self.fake.app_id, FAKE_AES_KEY)
        self.fake.connect(self.http, keys, patience_seconds=PUSH_PATIENCE_SECONDS)
        await self.endpoint.recovered()


def wechat_environ(fake: FakeWechat) -> dict[str, str]:
    """Return the settings that point the bot's WeChat side at the fake, the callback on a free local port."""
    return {
        "HEMEI_WECHAT__APP_ID": fake.app_id, "HEMEI_WECHAT__APP_SECRET": fake.app_secret,
        "HEMEI_WECHAT__TOKEN": FAKE_TOKEN, "HEMEI_WECHAT__ENCODING_AES_KEY": FAKE_AES_KEY,
        "HEMEI_WECHAT__BASE_URL": fake.base_url, "HEMEI_WECHAT__LISTEN": "127.0.0.1", "HEMEI_WECHAT__PORT": "0",
    }


def wechat_config(fake: FakeWechat, database_url: str, environ: Mapping[str, str] | None = None) -> Config:
    """Return a WeChat-only config pointing at the fake, the callback on a free local port."""
    return load_config(None, {**wechat_environ(fake), "HEMEI_DATABASE__URL": database_url, **(environ or {})})


@asynccontextmanager
async def running_wechat_bot(database_url: str, *, clock: Clock,
                             environ: Mapping[str, str] | None = None) -> AsyncIterator[WechatHarness]:
    """Start the fake WeChat and the bot (WeChat only, no Telegram token); stop both afterwards."""
    fake = FakeWechat(clock)
    await fake.start()
    config = wechat_config(fake, database_url, environ)
    async with httpx.AsyncClient() as http:
        harness = WechatHarness(fake, build_runtime(config, clock=clock), config, clock, http)
        try:
            await harness._start()
            yield harness
        finally:
            await harness.runtime.stop()
            await fake.stop()
