"""The WeChat side of a running Hemei: API client, channel, intake and the callback server, built from config."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import timedelta

import httpx
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount

from bot.i18n import Catalogs
from bot.media import MediaKeeper
from bot.wechat.api import WechatApi
from bot.wechat.callback import WechatCallback
from bot.wechat.channel import WechatChannel
from bot.wechat.client import WechatClient
from bot.wechat.dedup import DurableInputs
from bot.wechat.intake import OTHERS_GRACE, WechatIntake
from bot.wechat.pages.app import PAGES_PATH
from bot.wechat.pages.assembly import PageKit, build_pages
from bot.wechat.pages.links import ReminderSettingsLinks
from bot.wechat.qr_pictures import WechatQrPictures
from bot.wechat.reach import PageAnswers
from bot.wechat.routing import WechatRouter
from bot.wechat.serving import LocalServer
from bot.wechat.settings import WechatSettings
from bot.wechat.staff import StaffTags
from bot.wechat.token_store import DatabaseTokenStore
from bot.wechat.tokens import MemoryTokenStore, TokenStore
from handlers.engine import Engine
from storage.database import Database
from village.clock import Clock

log = logging.getLogger(__name__)

HTTP_TIMEOUT_SECONDS = 10.0
POOL_HEADROOM = 2  # connections left to recording pushes and the outbox while steps use the rest


class WechatEndpoint:
    """Everything WeChat needs in one process; the engine is attached once it exists."""

    def __init__(self, settings: WechatSettings, database: Database, clock: Clock, media: MediaKeeper, *,
                 catalogs: Catalogs | None = None, locale: str = "zh_CN") -> None:
        self.settings, self._database, self._clock = settings, database, clock
        self._catalogs, self._locale = catalogs or Catalogs.load(locale), locale
        self._http = httpx.AsyncClient(timeout=HTTP_TIMEOUT_SECONDS)
        tokens = DatabaseTokenStore(database)
        api = self._api(tokens)
        self.client = WechatClient(api)
        # A step makes invite QR codes inside its transaction: this client keeps its token in memory, so that a
        # token fetch there writes nothing to the database (stable_token hands every holder the same token).
        self.qr_pictures = WechatQrPictures(WechatClient(self._api(MemoryTokenStore())))
        # The pages (downloads, messages, reminder settings) need a public URL to link to; without one, none.
        self.pages: PageKit | None = build_pages(
            settings, api, tokens, clock, root=media.root / "pages", catalogs=self._catalogs, locale=locale,
            answers=PageAnswers(database, clock, settings.long_term_templates)) if settings.public_base_url else None
        self.reminder_pages = ReminderSettingsLinks(self.pages.links) if self.pages is not None else None
        router = WechatRouter(self.client, database, clock, settings, pages=self.pages, catalogs=self._catalogs,
                              locale=locale)
        self.channel = WechatChannel(self.client, database, clock, media, pages=self.pages, router=router)
        self.intake: WechatIntake | None = None
        self.callback: WechatCallback | None = None
        self._server: LocalServer | None = None
        self._recovery: asyncio.Task[int] | None = None
        self._drain: asyncio.Task[None] | None = None
        self._stopping = False

    def _api(self, tokens: TokenStore) -> WechatApi:
        """Return an API client of this account keeping its access token in `tokens`."""
        return WechatApi(self._http, base_url=self.settings.base_url, app_id=self.settings.app_id,
                         app_secret=self.settings.app_secret.get_secret_value(), store=tokens, clock=self._clock)

    def attach(self, engine: Engine, *, media: MediaKeeper, on_queued: Callable[[], None],
               on_handled: Callable[[str, str, float], None] = lambda _kind, _outcome, _seconds: None) -> None:
        """Connect the intake to the engine and build the callback around it."""
        self.intake = WechatIntake(engine, self._database, self._clock, self.channel, media=media,
                                   on_queued=on_queued, on_handled=on_handled, catalogs=self._catalogs,
                                   locale=self._locale, staff=StaffTags(self.client, engine.menu),
                                   long_term_templates=self.settings.long_term_templates,
                                   steps=max(1, self._database.capacity - POOL_HEADROOM))
        self.callback = WechatCallback(self.settings, self.intake, clock=self._clock, recent=DurableInputs(),
                                       on_late_reply=self.intake.late)

    async def start(self, *, extra_routes: Sequence[BaseRoute] = (), shared: bool = False) -> None:
        """Serve the callback (and `extra_routes`: /healthz, /metrics); handle again what a previous process left
        pending. `shared`: other worker processes take pushes too (see intake.OTHERS_GRACE)."""
        assert self.intake is not None, "attach() the engine first"
        assert self.callback is not None
        self.intake.others_grace = OTHERS_GRACE if shared else timedelta(0)
        self._stopping = False
        self._server = LocalServer(self._app(extra_routes), host=self.settings.listen, port=self.settings.port)
        await self._server.start()
        self._recovery = asyncio.create_task(self.intake.recover(), name="wechat-recovery")
        self._recovery.add_done_callback(self._start_drain)
        log.info("WeChat callback listening on %s/%s", self._server.url, self.settings.path.strip("/"))

    def _start_drain(self, _recovery: asyncio.Task[int]) -> None:
        """After the recovery, keep running pushes left pending (overload, a failed step) in the background."""
        if self.intake is not None and not self._stopping:
            self._drain = asyncio.create_task(self.intake.drain_forever(), name="wechat-drain")

    def _app(self, extra_routes: Sequence[BaseRoute]) -> Starlette:
        """Return the callback, with the pages mounted beside it at PAGES_PATH when they are configured."""
        assert self.callback is not None
        callback = self.callback.app()
        if self.pages is None and not extra_routes:
            return callback
        pages = [Mount(PAGES_PATH, app=self.pages.pages.app())] if self.pages is not None else []
        return Starlette(routes=[*extra_routes, *pages, Mount("", app=callback)])

    async def recovered(self) -> int:
        """Wait until the pushes left pending at start are handled; return how many there were."""
        return await self._recovery if self._recovery is not None else 0

    @property
    def server_url(self) -> str:
        """Return the base URL the callback (and the pages, under PAGES_PATH) is served at on this machine."""
        assert self._server is not None
        return self._server.url

    @property
    def url(self) -> str:
        """Return the callback's URL on this machine."""
        assert self._server is not None
        return f"{self._server.url}/{self.settings.path.strip('/')}"

    async def stop(self) -> None:
        """Stop serving and close the HTTP client."""
        self._stopping = True
        if self._recovery is not None:
            await asyncio.gather(self._recovery, return_exceptions=True)
        if self._drain is not None:  # a step cut short rolls back: its row stays pending for the next start
            self._drain.cancel()
            await asyncio.gather(self._drain, return_exceptions=True)
            self._drain = None
        if self._server is not None:
            await self._server.stop()
        await self._http.aclose()
