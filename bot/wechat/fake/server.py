"""The fake WeChat, both halves: the API our client calls, and the pushes WeChat makes to our callback.

Like the Telegram emulator it runs in-process on 127.0.0.1 with an injectable clock. A push of a
person's message opens the fake's customer-service window, so what the callback sees and what
custom/send allows always agree.
"""

from __future__ import annotations

import httpx

from bot.wechat.fake.faults import Faults
from bot.wechat.fake.inputs import FAKE_ACCOUNT, InputFactory, Push
from bot.wechat.fake.pushes import PushAccount, Pusher
from bot.wechat.fake.routes import FakeApi
from bot.wechat.fake.tokens import FakeTokens
from bot.wechat.fake.windows import Trigger
from bot.wechat.fake.world import World
from bot.wechat.serving import LocalServer
from village.clock import Clock

FAKE_APP_ID = "wx_fake_app_id_0001"
FAKE_APP_SECRET = "fake-app-secret-0123456789abcdef"


class FakeWechat:
    """One fake Service Account: state, faults, the API server and the pushes."""

    def __init__(self, clock: Clock, *, app_id: str = FAKE_APP_ID, app_secret: str = FAKE_APP_SECRET,
                 account: str = FAKE_ACCOUNT) -> None:
        self.clock, self.app_id, self.app_secret = clock, app_id, app_secret
        self.world, self.tokens, self.faults = World(), FakeTokens(), Faults()
        self.api = FakeApi(self.world, self.tokens, self.faults, clock, app_id=app_id, app_secret=app_secret)
        self.inputs = InputFactory(clock, account=account)
        self._server = LocalServer(self.api.app())
        self._pusher: Pusher | None = None

    async def start(self) -> None:
        """Serve the API on 127.0.0.1, on a free port."""
        await self._server.start()

    async def stop(self) -> None:
        """Stop serving."""
        await self._server.stop()

    @property
    def base_url(self) -> str:
        """Return the URL to configure as `wechat.base_url`."""
        return self._server.url

    def connect(self, http: httpx.AsyncClient, callback: PushAccount, *, patience_seconds: float = 5.0) -> None:
        """Push to our callback from now on, as configured on the account's settings page."""
        self._pusher = Pusher(http, callback, self.clock, patience_seconds=patience_seconds)

    @property
    def pusher(self) -> Pusher:
        """Return the pusher aimed at our callback."""
        assert self._pusher is not None, "connect() the fake to a callback first"
        return self._pusher

    async def deliver(self, push: Push, *, encrypted: bool | None = None) -> httpx.Response:
        """Apply the push to the fake's state (window, follow), then push it to our callback once."""
        self._apply(push)
        return await self.pusher.push(push.xml, encrypted=encrypted)

    async def deliver_with_retries(self, push: Push) -> list[httpx.Response | None]:
        """Like `deliver`, retrying the same push as WeChat does when no answer comes in time."""
        self._apply(push)
        return await self.pusher.push_with_retries(push.xml)

    async def says(self, open_id: str, text: str) -> httpx.Response:
        """The person types a text (following the account first if they did not)."""
        self.world.follow(open_id)
        return await self.deliver(self.inputs.text(open_id, text))

    async def sends_photo(self, open_id: str, content: bytes) -> httpx.Response:
        """The person sends a photo; its media id can be downloaded for 3 days."""
        self.world.follow(open_id)
        media_id = self.world.add_media("image", content, self.clock.now())
        return await self.deliver(self.inputs.image(open_id, media_id))

    async def scans(self, open_id: str, ticket: str) -> httpx.Response:
        """The person scans a QR code made by qrcode/create: a follow with the scene, or SCAN if following."""
        scene = self.world.qrcodes[ticket]
        if open_id in self.world.followers:
            return await self.deliver(self.inputs.scan(open_id, scene))
        self.world.follow(open_id, scene=scene)
        return await self.deliver(self.inputs.subscribe(open_id, scene=scene))

    def has_written(self, open_id: str, trigger: Trigger = Trigger.MESSAGE) -> None:
        """Open the person's window as their message (or with ACTION a tap) would, without a push."""
        self.world.follow(open_id)
        self.world.windows.open(open_id, trigger, self.clock.now())

    def sent_to(self, open_id: str) -> list[str]:
        """Return the visible text of everything sent to the person, in order."""
        return self.world.texts_to(open_id)

    def _apply(self, push: Push) -> None:
        if push.unfollows:
            self.world.unfollow(push.open_id)
            return
        if push.opens is not None:
            self.has_written(push.open_id, push.opens)
