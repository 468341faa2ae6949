"""The operators' routes, /healthz and /metrics: on the webhook server, the WeChat callback's server, or a port
of their own.

Keep them internal: the reverse proxy forwards only Telegram's path (see deploy/nginx-hemei.conf).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from sqlalchemy.exc import DBAPIError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application as TornadoApplication
from tornado.web import RequestHandler

from bot.health import HealthCheck
from bot.metrics import CONTENT_TYPE, Metrics

log = logging.getLogger(__name__)


def ops_routes(health: HealthCheck, metrics: Metrics) -> list[tuple[str, type[RequestHandler], dict[str, Any]]]:
    """Return the tornado routes of /healthz and /metrics."""
    given = {"health": health, "metrics": metrics}
    return [("/healthz", _HealthHandler, given), ("/metrics", _MetricsHandler, given)]


def asgi_ops_routes(health: HealthCheck, metrics: Metrics) -> list[Route]:
    """Return /healthz and /metrics as Starlette routes, for the WeChat callback's uvicorn server."""
    async def healthz(_request: Request) -> Response:
        status, body = await health_page(health)
        return Response(body, status, media_type="application/json", headers={"Cache-Control": "no-store"})

    async def metrics_page(_request: Request) -> Response:
        return Response(await exposition(health, metrics), headers={"Content-Type": CONTENT_TYPE})

    return [Route("/healthz", healthz, methods=["GET"]), Route("/metrics", metrics_page, methods=["GET"])]


async def health_page(health: HealthCheck) -> tuple[int, str]:
    """Return /healthz's status and JSON body."""
    report = await health.check()
    return 200 if report.healthy else 503, json.dumps(report.body)


async def exposition(health: HealthCheck, metrics: Metrics) -> bytes:
    """Return the /metrics page, with the outbox depth read now."""
    try:
        depth = (await health.backlog()).by_priority
    except (DBAPIError, OSError, TimeoutError):  # the counters are still worth scraping with the database away
        log.warning("metrics: could not read the outbox depth", exc_info=True)
        depth = {}
    return metrics.page(depth)


class OpsServer:
    """Serves /healthz and /metrics on `[metrics] port` (polling mode, or a leader, which takes no updates)."""

    def __init__(self, health: HealthCheck, metrics: Metrics, *, listen: str, port: int) -> None:
        self._app = TornadoApplication(ops_routes(health, metrics))
        self._listen = listen
        self._port = port
        self._server: HTTPServer | None = None

    async def start(self) -> None:
        """Listen."""
        self._server = HTTPServer(self._app)
        self._server.add_sockets(bind_sockets(self._port, address=self._listen))
        log.info("health and metrics on http://%s:%d/healthz and /metrics", self._listen, self._port)

    async def stop(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None


class _OpsHandler(RequestHandler):  # type: ignore[misc]
    SUPPORTED_METHODS = ("GET",)

    def initialize(self, health: HealthCheck, metrics: Metrics) -> None:
        self._health = health
        self._metrics = metrics


class _HealthHandler(_OpsHandler):
    async def get(self) -> None:
        status, body = await health_page(self._health)
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(body)


class _MetricsHandler(_OpsHandler):
    async def get(self) -> None:
        page = await exposition(self._health, self._metrics)
        self.set_header("Content-Type", CONTENT_TYPE)
        self.finish(page)
