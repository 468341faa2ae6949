"""Webhook intake: Telegram posts updates to us; a request without our secret is refused.

PTB's own webhook server compares the secret with `!=` and accepts a missing one when none is
configured, so we serve the one route ourselves (PTB's documented custom-webhook setup: updates go
into `application.update_queue`) and compare in constant time. The config refuses webhook mode
without a long enough secret, so there is always one to check.

Telegram forgets an update once we answer 200, so we answer only when its work is committed (the
update tracker says so): a worker killed with updates queued loses none, Telegram posts them again to
a worker that is up. An update not done within `answer_seconds` (below Telegram's own timeout), or
failed on the database, gets 503 and comes again; a re-post of one already committed is dropped by
the engine (`processed_updates`) and answered 200 at once; one still in flight here waits for it.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Sequence
from typing import Any

from telegram import Bot, Update
from telegram.ext import Application
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application as TornadoApplication
from tornado.web import RequestHandler

from bot.config import WebhookSettings
from bot.update_tracker import UpdateTracker

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def secret_matches(given: str, expected: str) -> bool:
    """Compare the posted secret with ours in constant time (no timing hints about a prefix)."""
    return hmac.compare_digest(given.encode(), expected.encode())


class WebhookServer:
    """Listens for Telegram's posts, queues each update for the application, answers once it is done."""

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any], settings: WebhookSettings,
                 allowed_updates: list[str], tracker: UpdateTracker, *, extra_routes: Sequence[Any] = ()) -> None:
        self._application = application
        self._tracker = tracker
        self._extra_routes = list(extra_routes)  # /healthz and /metrics share the port (see bot/ops.py)
        self._settings = settings
        self._allowed_updates = allowed_updates
        self._server: HTTPServer | None = None
        self._closing = False
        self._waiting = 0  # posts waiting for their update
        self._idle = asyncio.Event()
        self._idle.set()

    async def start(self) -> None:
        """Listen, then tell Telegram where to post (when a public URL is configured)."""
        route = f"/{self._settings.path.strip('/')}"
        app = TornadoApplication([(route, _UpdateHandler, {"intake": self,
                                                           "secret": self._settings.secret.get_secret_value()}),
                                  *self._extra_routes])
        self._server = HTTPServer(app)
        self._server.add_sockets(bind_sockets(self._settings.port, address=self._settings.listen))
        if self._settings.url:
            await self._application.bot.set_webhook(
                self._settings.url, secret_token=self._settings.secret.get_secret_value(),
                allowed_updates=self._allowed_updates)
        else:
            log.warning("telegram.webhook.url is empty: register the webhook with Telegram yourself")

    @property
    def bot(self) -> Bot:
        """The bot the updates are decoded for."""
        return self._application.bot

    async def take(self, update: Update) -> int:
        """Queue `update` (unless it is queued already) and return the HTTP status once it is done.

        200: its work is committed (or it needed none); 503: not done in time, failed on the database, or
        we are stopping. Telegram posts it again after a 503.
        """
        if self._closing:
            return 503
        update_id = update.update_id
        if self._tracker.outcome(update_id):  # done here already: our answer to Telegram was lost
            return 200
        if self._tracker.post(update_id):
            await self._application.update_queue.put(update)
        self._waiting += 1
        self._idle.clear()
        try:
            done = await self._tracker.result(update_id, self._settings.answer_seconds)
        except TimeoutError:
            log.warning("update %s not done within %s s: Telegram will post it again", update_id,
                        self._settings.answer_seconds)
            return 503
        finally:
            self._waiting -= 1
            if not self._waiting:
                self._idle.set()
        return 200 if done else 503

    async def stop(self) -> None:
        """Stop listening; posts waiting for their update get their answer first, new ones a 503."""
        if self._server is None:
            return
        self._closing = True
        self._server.stop()
        try:
            async with asyncio.timeout(self._settings.answer_seconds):
                await self._idle.wait()
        except TimeoutError:
            log.warning("stopping with %d webhook post(s) unanswered: Telegram will post them again", self._waiting)
        await self._server.close_all_connections()
        self._server = None


class _UpdateHandler(RequestHandler):  # type: ignore[misc]
    SUPPORTED_METHODS = ("POST",)

    def initialize(self, intake: WebhookServer, secret: str) -> None:
        self._intake = intake
        self._secret = secret

    async def post(self) -> None:
        if not secret_matches(self.request.headers.get(SECRET_HEADER, ""), self._secret):
            log.warning("refused a webhook request without the right secret from %s", self.request.remote_ip)
            self.send_error(403)
            return
        try:
            update = Update.de_json(json.loads(self.request.body), self._intake.bot)
        except (ValueError, TypeError, KeyError, AttributeError):  # not an update
            self.send_error(400)
            return
        update_id: object = getattr(update, "update_id", None)  # `null` decodes to no update at all
        if not isinstance(update_id, int) or isinstance(update_id, bool):  # a forged id: nothing to track
            self.send_error(400)
            return
        self.set_status(await self._intake.take(update))
        self.finish()
