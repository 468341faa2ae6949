"""Serving an ASGI app with uvicorn inside our event loop: the callback in production, the fake in tests."""

from __future__ import annotations

import asyncio
import socket

import uvicorn
from starlette.types import ASGIApp


class LocalServer:
    """One uvicorn server on a socket we bind ourselves (port 0 picks a free one)."""

    def __init__(self, app: ASGIApp, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self._config = uvicorn.Config(app, lifespan="off", log_level="warning", access_log=False)
        self._server = uvicorn.Server(self._config)
        self._host, self._port = host, port
        self._task: asyncio.Task[None] | None = None
        self.port = port

    async def start(self) -> None:
        """Bind and start serving; return once requests are accepted."""
        family = socket.AF_INET6 if ":" in self._host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self._host, self._port))
        self.port = sock.getsockname()[1]
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]))
        while not self._server.started:
            if self._task.done():
                await self._task  # raises what stopped it
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        """Stop serving and wait until the server has shut down."""
        if self._task is None:
            return
        self._server.should_exit = True
        await self._task
        self._task = None

    @property
    def url(self) -> str:
        """Return the server's base URL."""
        return f"http://{self._host}:{self.port}"
