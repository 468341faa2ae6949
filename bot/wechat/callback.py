"""The callback WeChat pushes to: an ASGI app that verifies, decrypts, parses and answers within the budget.

It never answers 5xx and never an error text: WeChat would show the person "该公众号暂时无法提供服务".
Forged or stale requests get 403 with an empty body, oversized ones 413; a signed push we cannot use,
an unknown event, a retry already seen, a handler that fails or runs past the budget: `success`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.wechat.crypto import MessageCrypto, RefusedPush
from bot.wechat.dedup import RecentInputs
from bot.wechat.inputs import Input
from bot.wechat.parsing import parse_input
from bot.wechat.passive import PassiveReply, render_reply
from bot.wechat.settings import WechatSettings
from bot.wechat.signatures import signature_matches, timestamp_fresh
from village.clock import Clock

log = logging.getLogger(__name__)

REPLY_BUDGET_SECONDS = 4.0  # WeChat gives up after 5 s and retries; leave room for the network
WECHAT_WAITS_SECONDS = 5.0  # after which WeChat pushes the same input again (up to 3 more times)
MAX_BODY_BYTES = 64 * 1024  # a push is a few kilobytes at most, even encrypted
SUCCESS = "success"  # tells WeChat "received, no passive reply"

Handler = Callable[[Input], Coroutine[Any, Any, PassiveReply | None]]
LateReply = Callable[[Input, PassiveReply], Coroutine[Any, Any, None]]


class Refused(Exception):
    """A request that did not come from WeChat for this account, with the status to answer."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


class WechatCallback:
    """Receives pushes for one account and hands each new input to the handler."""

    def __init__(self, settings: WechatSettings, handler: Handler, *, clock: Clock,
                 recent: RecentInputs | None = None, on_late_reply: LateReply | None = None,
                 budget_seconds: float = REPLY_BUDGET_SECONDS, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        self._token = settings.token.get_secret_value()
        key = settings.encoding_aes_key.get_secret_value()
        self._crypto = MessageCrypto(self._token, key, settings.app_id) if key else None
        self._handler, self._clock, self._on_late_reply = handler, clock, on_late_reply
        self._recent = recent or RecentInputs()
        self._budget, self._max_body = budget_seconds, max_body_bytes
        self._late: set[asyncio.Future[Any]] = set()  # referenced until done, or asyncio may drop them
        self.path = "/" + settings.path.strip("/")

    def app(self) -> Starlette:
        """Return the ASGI app serving the callback path."""
        return Starlette(routes=[Route(self.path, self._endpoint, methods=["GET", "POST"])])

    async def _endpoint(self, request: Request) -> Response:
        try:
            if request.method == "GET":
                return PlainTextResponse(self._handshake(request))
            return await self._push(request)
        except Refused as refused:
            log.warning("refused a WeChat callback request: %s", refused)
            return Response(status_code=refused.status)
        except Exception:  # the boundary: any failure must still answer WeChat without an error text
            log.exception("WeChat push failed; answered success")
            return PlainTextResponse(SUCCESS)

    def _handshake(self, request: Request) -> str:
        """Answer the GET that proves we own the URL: echo `echostr` when the signature holds."""
        self._check_signature(request, "signature")
        return request.query_params.get("echostr", "")

    async def _push(self, request: Request) -> Response:
        body = await self._read_body(request)
        nonce = request.query_params.get("nonce", "")
        try:
            xml = self._decrypt(request, body) if self._crypto else self._plaintext(request, body)
        except RefusedPush as refused:
            raise Refused(403, str(refused)) from None
        try:
            received = parse_input(xml)
        except RefusedPush as unusable:  # authentic but unusable: a refusal would only make WeChat retry
            log.warning("ignored a WeChat push: %s", unusable)
            return PlainTextResponse(SUCCESS)
        if received is None or not self._recent.first_time(received.dedup_key, self._clock.now().timestamp()):
            return PlainTextResponse(SUCCESS)
        reply = await self._answer_within_budget(received)
        return PlainTextResponse(self._render(reply, received, nonce) if reply else SUCCESS)

    def _decrypt(self, request: Request, body: bytes) -> str:
        assert self._crypto is not None
        params = request.query_params
        if params.get("encrypt_type") != "aes":
            raise RefusedPush("plaintext push while safe mode is configured")
        timestamp = self._fresh_timestamp(request)
        return self._crypto.decrypt(_text(body), msg_signature=params.get("msg_signature", ""),
                                    timestamp=timestamp, nonce=params.get("nonce", ""))

    def _plaintext(self, request: Request, body: bytes) -> str:
        # Only the sandbox test account pushes plaintext; the body itself is not signed there.
        self._check_signature(request, "signature")
        return _text(body)

    def _check_signature(self, request: Request, name: str) -> None:
        timestamp = self._fresh_timestamp(request)
        params = request.query_params
        if not signature_matches(params.get(name, ""), self._token, timestamp, params.get("nonce", "")):
            raise Refused(403, f"bad {name}")

    def _fresh_timestamp(self, request: Request) -> str:
        timestamp = request.query_params.get("timestamp", "")
        if not timestamp_fresh(timestamp, self._clock.now().timestamp()):
            raise Refused(403, "timestamp missing or outside the allowed window")
        return timestamp

    async def _read_body(self, request: Request) -> bytes:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._max_body:
            raise Refused(413, "body too large")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > self._max_body:
                raise Refused(413, "body too large")
        return bytes(body)

    async def _answer_within_budget(self, received: Input) -> PassiveReply | None:
        """Run the handler; past the budget answer `success` and let it finish in the background."""
        loop = asyncio.get_running_loop()
        arrived = loop.time()
        task = asyncio.create_task(self._handler(received))
        done, _ = await asyncio.wait({task}, timeout=self._budget)
        if task in done:
            if not task.cancelled() and isinstance(task.exception(), PushNotKept):
                # `success` would tell WeChat we have it: answer only after WeChat stopped waiting, so it retries.
                log.warning("could not keep a WeChat push; letting WeChat push it again: %s", task.exception())
                await asyncio.sleep(max(0.0, arrived + WECHAT_WAITS_SECONDS + 0.5 - loop.time()))
                return None
            return _result(task)
        self._late.add(task)
        task.add_done_callback(lambda finished: self._finished_late(received, finished))
        return None

    def _finished_late(self, received: Input, task: asyncio.Task[PassiveReply | None]) -> None:
        self._late.discard(task)
        reply = _result(task)
        if reply is None:
            return
        if self._on_late_reply is None:
            log.warning("a reply to %s came after the budget and nobody sends it", type(received).__name__)
            return
        late = asyncio.ensure_future(self._on_late_reply(received, reply))
        self._late.add(late)
        late.add_done_callback(self._late.discard)

    def _render(self, reply: PassiveReply, received: Input, nonce: str) -> str:
        now = int(self._clock.now().timestamp())
        xml = render_reply(reply, open_id=received.open_id, account=received.account, now=now)
        return self._crypto.encrypt(xml, nonce=nonce, timestamp=str(now)) if self._crypto else xml


class PushNotKept(Exception):
    """Raised by a handler that could not keep a push (the database is away): WeChat must push it again."""


def _result(task: asyncio.Task[PassiveReply | None]) -> PassiveReply | None:
    if task.cancelled():
        return None
    if (error := task.exception()) is not None:
        log.error("the WeChat input handler failed", exc_info=error)
        return None
    return task.result()


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise RefusedPush("body is not UTF-8") from None
