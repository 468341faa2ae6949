"""Webhook intake: Telegram posts updates to us; a request without our secret is refused.

PTB's own webhook server compares the secret with `!=` and accepts a missing one when none is
configured, so we serve the one route ourselves (PTB's documented custom-webhook setup: updates go
into `application.update_queue`) and compare in constant time. The config refuses webhook mode
without a long enough secret, so there is always one to check.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.ext import Application
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application as TornadoApplication
from tornado.web import RequestHandler

from bot.config import WebhookSettings

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def secret_matches(given: str, expected: str) -> bool:
    """Compare the posted secret with ours in constant time (no timing hints about a prefix)."""
    return hmac.compare_digest(given.encode(), expected.encode())


class WebhookServer:
    """Listens for Telegram's posts and queues each update for the application."""

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any], settings: WebhookSettings,
                 allowed_updates: list[str], *, extra_routes: Sequence[Any] = ()) -> None:
        self._application = application
        self._extra_routes = list(extra_routes)  # /healthz and /metrics share the port (see bot/ops.py)
        self._settings = settings
        self._allowed_updates = allowed_updates
        self._server: HTTPServer | None = None

    async def start(self) -> None:
        """Listen, then tell Telegram where to post (when a public URL is configured)."""
        route = f"/{self._settings.path.strip('/')}"
        app = TornadoApplication([(route, _UpdateHandler, {"bot_application": self._application,
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

    async def stop(self) -> None:
        """Stop listening; requests being answered finish first."""
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None


class _UpdateHandler(RequestHandler):  # type: ignore[misc]
    SUPPORTED_METHODS = ("POST",)

    def initialize(self, bot_application: Application[Any, Any, Any, Any, Any, Any], secret: str) -> None:
        self._application = bot_application
        self._secret = secret

    async def post(self) -> None:
        if not secret_matches(self.request.headers.get(SECRET_HEADER, ""), self._secret):
            log.warning("refused a webhook request without the right secret from %s", self.request.remote_ip)
            self.send_error(403)
            return
        try:
            update = Update.de_json(json.loads(self.request.body), self._application.bot)
        except (ValueError, TypeError, KeyError, AttributeError):  # not an update
            self.send_error(400)
            return
        await self._application.update_queue.put(update)
        self.set_status(200)
        self.finish()
