"""The fake's HTTP API: WeChat's `cgi-bin` routes over the world, with tokens checked and faults injected."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.wechat.fake.faults import Faults
from bot.wechat.fake.tokens import FakeTokens
from bot.wechat.fake.world import WECHAT_ZONE, Media, World, refusal
from village.clock import Clock

Call = tuple[Request, dict[str, Any], datetime]
Handler = Callable[[World, Call], Any]
_MEDIA_TYPES = {"image": "image/jpeg", "voice": "audio/amr", "video": "video/mp4", "thumb": "image/jpeg"}


async def _media_upload(world: World, call: Call) -> dict[str, Any]:
    request, _, now = call
    async with request.form() as form:  # closes the spooled upload file
        upload = form.get("media")
        if upload is None or isinstance(upload, str):
            return refusal(41005, "media data missing")
        content = await upload.read()
    return world.media_upload(request.query_params.get("type", "image"), content, now)


def _media_get(world: World, call: Call) -> Media | dict[str, Any]:
    request, _, now = call
    return world.media_get(request.query_params.get("media_id", ""), now)


def _user_info(world: World, call: Call) -> dict[str, Any]:
    return world.user_info(call[0].query_params.get("openid", ""))


ROUTES: dict[str, tuple[str, Handler]] = {
    "cgi-bin/message/custom/send": ("POST", lambda w, c: w.custom_send(c[1], c[2])),
    "cgi-bin/message/subscribe/bizsend": ("POST", lambda w, c: w.bizsend(c[1], c[2])),
    "cgi-bin/message/template/send": ("POST", lambda w, c: w.template_send(c[1], c[2])),
    "cgi-bin/message/mass/send": ("POST", lambda w, c: w.mass_send(c[1], c[2])),
    "cgi-bin/media/upload": ("POST", _media_upload),
    "cgi-bin/media/get": ("GET", _media_get),
    "cgi-bin/menu/create": ("POST", lambda w, c: w.menu_create(c[1])),
    "cgi-bin/menu/addconditional": ("POST", lambda w, c: w.menu_add_conditional(c[1])),
    "cgi-bin/tags/create": ("POST", lambda w, c: w.tag_create(c[1])),
    "cgi-bin/tags/members/batchtagging": ("POST", lambda w, c: w.tag_members(c[1])),
    "cgi-bin/tags/members/batchuntagging": ("POST", lambda w, c: w.tag_members(c[1], add=False)),
    "cgi-bin/tags/get": ("GET", lambda w, c: w.tags_get()),
    "cgi-bin/user/tag/get": ("POST", lambda w, c: w.tag_followers(c[1])),
    "cgi-bin/menu/delete": ("GET", lambda w, c: w.menu_delete()),
    "cgi-bin/ticket/getticket": ("GET", lambda w, c: w.jsapi_ticket(c[2])),
    "cgi-bin/qrcode/create": ("POST", lambda w, c: w.qrcode_create(c[1])),
    "cgi-bin/user/info": ("GET", _user_info),
}


class FakeApi:
    """Serves the routes for one account (app id and secret) on a clock."""

    def __init__(self, world: World, tokens: FakeTokens, faults: Faults, clock: Clock, *, app_id: str,
                 app_secret: str) -> None:
        self.world, self.tokens, self.faults, self.clock = world, tokens, faults, clock
        self._app_id, self._secret = app_id, app_secret
        self.calls: list[str] = []  # every route called, in order, for assertions

    def app(self) -> Starlette:
        """Return the ASGI app."""
        routes = [Route("/cgi-bin/stable_token", self._stable_token, methods=["POST"])]
        routes += [Route(f"/{path}", self._endpoint(path, handler), methods=[method])
                   for path, (method, handler) in ROUTES.items()]
        return Starlette(routes=routes)

    async def _stable_token(self, request: Request) -> Response:
        self.calls.append("cgi-bin/stable_token")
        if (early := await self._injected("cgi-bin/stable_token")) is not None:
            return early
        body = await _json_body(request)
        if body.get("appid") != self._app_id:
            return JSONResponse(refusal(40013, "invalid appid"))
        if body.get("secret") != self._secret:
            return JSONResponse(refusal(40125, "invalid appsecret"))
        token, expires_in = self.tokens.stable(self.clock.now(), force=bool(body.get("force_refresh")))
        return JSONResponse({"access_token": token, "expires_in": expires_in})

    def _endpoint(self, path: str, handler: Handler) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            self.calls.append(path)
            now = self.clock.now()
            if (refused := self.tokens.check(request.query_params.get("access_token", ""), now)) is not None:
                return JSONResponse(refusal(refused, "access_token invalid or expired"))
            if (early := await self._injected(path)) is not None:
                return early
            body = {} if "multipart" in request.headers.get("content-type", "") else await _json_body(request)
            answer = handler(self.world, (request, body, now))
            answer = await answer if asyncio.iscoroutine(answer) else answer
            if isinstance(answer, Media):
                return Response(answer.content, media_type=_MEDIA_TYPES.get(answer.kind, "application/octet-stream"))
            return JSONResponse(answer)
        return endpoint

    async def _injected(self, path: str) -> Response | None:
        await self.faults.wait_delay(path)
        if (status := self.faults.next_status(path)) is not None:
            return Response("<html>502 Bad Gateway</html>", status_code=status, media_type="text/html")
        today = self.clock.now().astimezone(WECHAT_ZONE).date()
        if (errcode := self.faults.next_errcode(path, today)) is not None:
            return JSONResponse(refusal(errcode, "injected by the fake"))
        return None


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
