"""The emulated Bot API: getUpdates from a queue; sent messages recorded per chat.

It speaks enough of the real protocol for python-telegram-bot's own HTTP layer:
getMe, getUpdates (long polling), the send and edit methods, callback answers,
getFile and file downloads, and setWebhook: then updates are posted to the bot as Telegram posts
them, in order per chat and again after a failed post (bot/emulator/webhook.py). Failures can be
injected: a user who blocked the bot (403), a flood wait (429 with retry_after) for the bot or for one chat,
Telegram's limits (sends per second overall, and per chat with short bursts),
and a script of faults (bot/emulator/faults.py) served to the next matching calls.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from bot.emulator.faults import SEND_METHODS, Fault, FaultKind, FaultPlan
from bot.emulator.messages import message_json, photo_sizes
from bot.emulator.webhook import WebhookPoster

DEFAULT_TOKEN = "123456789:EMULATOR-TOKEN-for-local-use"
_JSON_FIELDS = {"reply_markup", "allowed_updates", "chat_id", "message_id", "offset", "limit", "timeout",
                "latitude", "longitude", "show_alert", "cache_time", "duration"}


class ConnectionDropped(Exception):
    """Close the connection instead of answering."""


class ApiError(Exception):
    """An error answer: HTTP status, description and optional parameters."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters


@dataclass
class FakeUser:
    """A person on the emulated Telegram."""

    id: int
    first_name: str
    phone: str = ""
    language_code: str = "zh-hans"

    def as_json(self) -> dict[str, Any]:
        """Return the user as the Bot API shows it."""
        return {"id": self.id, "is_bot": False, "first_name": self.first_name, "language_code": self.language_code}


@dataclass
class Sent:
    """A message the bot sent (edits update it in place and bump `seq`)."""

    message_id: int
    chat_id: int
    method: str
    text: str
    reply_markup: dict[str, Any] | None
    seq: int
    at: float
    file: bytes | None = None
    file_name: str | None = None
    edits: list[str] = field(default_factory=list)
    file_id: str | None = None  # the file's id in the answer: the one given, or a new one for an upload
    uploaded: bool = False  # the bot uploaded the file (rather than sending it again by its file id)

    @property
    def inline_labels(self) -> list[str]:
        """Return the labels of the message's inline buttons."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button["text"] for row in rows for button in row]

    @property
    def keyboard_labels(self) -> list[str]:
        """Return the labels of the reply keyboard this message set."""
        rows = (self.reply_markup or {}).get("keyboard", [])
        return [button["text"] for row in rows for button in row]


class FakeBotApi:
    """The emulator's state and its HTTP server."""

    def __init__(self, token: str = DEFAULT_TOKEN, username: str = "hemei_demo_bot") -> None:
        self.token = token
        self.bot_user = {"id": int(token.split(":")[0]), "is_bot": True, "first_name": "和美", "username": username,
                         "can_join_groups": False, "can_read_all_group_messages": False,
                         "supports_inline_queries": False}
        self.username = username
        self.sent: dict[int, list[Sent]] = {}
        self.blocked: set[int] = set()
        self.flood_once: dict[int, int] = {}
        self.fail_once: dict[int, int] = {}  # chat id -> HTTP status of one failed send (e.g. 502)
        self.max_sends_per_second: float | None = None
        self.chat_limit: tuple[float, int] | None = None  # (sends per second, burst) in one chat, like Telegram's
        self.chat_flood_until: dict[int, float] = {}  # chat -> sends to it before this time are refused again
        self.early_chat_calls = 0  # sends to a chat that did not wait out its own flood wait
        self.refused = 0  # 429 answers of every kind
        self.refused_in_chats = 0  # of which for one chat's limit or flood wait
        self.chat_refusals: list[tuple[int, float, float]] = []  # (chat, when, retry_after) of each such 429
        self._chat_tokens: dict[int, tuple[float, float]] = {}  # chat -> (tokens, when counted)
        self.faults = FaultPlan()
        self.flood_until = 0.0  # after a scripted flood wait, sends before this time are refused again
        self.flood_grace = 0.0  # sends this soon after a flood answer were already on their way: not early
        self.early_calls = 0  # sends that did not wait out a flood wait
        self._flood_answered = 0.0
        self.send_delay = 0.0  # seconds each send takes, to catch a process mid-batch
        self.send_jitter = 0.0  # up to this many seconds more, at random: concurrent sends finish out of order
        self._random = random.Random(0)
        self.files: dict[str, bytes] = {}
        self._file_ids = itertools.count(1)
        self.calls: list[tuple[str, float]] = []
        self._updates: deque[dict[str, Any]] = deque()
        # Like Telegram's, update ids never repeat for a bot, also across runs on the same database.
        self._update_ids = itertools.count(int(time.time() * 1000) % 2_000_000_000)
        self._message_ids = itertools.count(1)
        self._seq = itertools.count(1)
        self._new_update = asyncio.Event()
        self._recent_sends: deque[float] = deque()
        self._server: HTTPServer | None = None
        self.port = 0
        self.acknowledged = 0  # the highest update id the bot confirmed by asking for the next ones
        self._activity = asyncio.Event()
        self.webhook = WebhookPoster(on_post=self._activity.set)  # posts the updates once the bot set a webhook

    # --- lifecycle -------------------------------------------------------

    async def start(self, port: int = 0) -> None:
        """Listen on 127.0.0.1 (a random free port unless given)."""
        # Error answers (403 blocked, 429 flood, 400 "not modified") are the emulator's job, not news.
        logging.getLogger("tornado.access").setLevel(logging.ERROR)
        app = Application([
            (r"/bot([^/]+)/(\w+)", _MethodHandler, {"api": self}),
            (r"/file/bot([^/]+)/(.+)", _FileHandler, {"api": self}),
        ])
        sockets = bind_sockets(port, address="127.0.0.1")
        self.port = sockets[0].getsockname()[1]
        self._server = HTTPServer(app)
        self._server.add_sockets(sockets)

    async def stop(self) -> None:
        """Stop listening and posting; waiting long polls end."""
        self._new_update.set()
        await self.webhook.stop()
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None

    @property
    def base_url(self) -> str:
        """Return the value for `telegram.base_url`."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """Return the value for `telegram.base_file_url`."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    # --- what users do ---------------------------------------------------

    def push(self, body: dict[str, Any]) -> int:
        """Queue an update (its id is assigned here) and return the id."""
        update_id = next(self._update_ids)
        if self.webhook.url:
            self.webhook.add({"update_id": update_id, **body})
        else:
            self._updates.append({"update_id": update_id, **body})
            self._new_update.set()
        return update_id

    def take(self, update_id: int) -> dict[str, Any]:
        """Remove a queued update and return it, to post it to a webhook instead (bot/demo/district.py)."""
        update = next(u for u in self._updates if u["update_id"] == update_id)
        self._updates.remove(update)
        return update

    def new_message_id(self) -> int:
        """Return a fresh message id (messages from users and from the bot share the sequence)."""
        return next(self._message_ids)

    def store_file(self, data: bytes) -> str:
        """Keep a file a user sends and return its file id."""
        file_id = f"file-{next(self._file_ids)}"  # never reused, also after a file is forgotten
        self.files[file_id] = data
        return file_id

    # --- what the bot sees ---------------------------------------------

    def messages_to(self, chat_id: int) -> list[Sent]:
        """Return everything the bot sent to a chat, oldest first."""
        return self.sent.get(chat_id, [])

    def current_keyboard(self, chat_id: int) -> list[str]:
        """Return the reply-keyboard labels the chat shows now."""
        for sent in reversed(self.messages_to(chat_id)):
            markup = sent.reply_markup or {}
            if "keyboard" in markup:
                return sent.keyboard_labels
            if markup.get("remove_keyboard"):
                return []
        return []

    async def wait_until(self, condition: Callable[[], bool], within: float = 30) -> None:
        """Wait until `condition()` holds, looking again after every send, edit and webhook post.

        For tests and benchmarks whose bot runs in another process (or keeps sending), where
        there is no handled-update signal to wait for. Raises TimeoutError after `within` seconds.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            self._activity.clear()
            if condition():
                return
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {within}s")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(remaining):
                    await self._activity.wait()

    async def wait_for_send(self, within: float = 10) -> None:
        """Wait until the bot sends or edits something."""
        self._activity.clear()
        async with asyncio.timeout(within):
            await self._activity.wait()

    def send_times(self) -> list[float]:
        """Return when each successful send happened (monotonic seconds)."""
        return sorted(s.at for messages in self.sent.values() for s in messages)

    # --- the Bot API -----------------------------------------------------

    def inject(self, *faults: Fault) -> None:
        """Serve these faults, in order, to the next calls of their methods."""
        self.faults.add(faults)

    async def call(self, method: str, params: dict[str, Any], files: dict[str, tuple[str, bytes]]) -> Any:
        """Answer one Bot API call, or fail it as scripted."""
        self.calls.append((method, time.monotonic()))
        if method == "getUpdates":
            return await self._get_updates(params)
        fault = self._fault_for(method)
        result = await self._carry_out(method, params, files)
        if fault is not None:  # DROP_AFTER: done, but the bot never hears so
            raise ConnectionDropped()
        return result

    def _fault_for(self, method: str) -> Fault | None:
        """Raise the scripted failure for this call; return a fault that strikes after it is carried out."""
        now = time.monotonic()
        if method in SEND_METHODS and now < self.flood_until:
            self.early_calls += now >= self._flood_answered + self.flood_grace
            self.refused += 1
            wait = self.flood_until - now
            raise ApiError(429, f"Too Many Requests: retry after {wait:.2f}", {"retry_after": wait})
        fault = self.faults.take(method)
        if fault is None or fault.kind is FaultKind.DROP_AFTER:
            return fault
        if fault.kind is FaultKind.DROP:
            raise ConnectionDropped()
        if fault.kind is FaultKind.FLOOD:
            self.flood_until, self._flood_answered = now + fault.retry_after, now
            self.refused += 1
            raise ApiError(429, fault.description, {"retry_after": fault.retry_after})
        raise ApiError(fault.status, fault.description)

    async def _carry_out(self, method: str, params: dict[str, Any], files: dict[str, tuple[str, bytes]]) -> Any:
        if method in SEND_METHODS:
            if self.send_delay or self.send_jitter:
                await asyncio.sleep(self.send_delay + self.send_jitter * self._random.random())
            sent = self._send(method, params, files)
            self._activity.set()
            return sent
        simple = {"getMe": lambda: self.bot_user, "setMyCommands": lambda: True, "answerCallbackQuery": lambda: True,
                  "sendChatAction": lambda: True, "deleteMessage": lambda: True,
                  "getWebhookInfo": lambda: {"url": self.webhook.url, "has_custom_certificate": False,
                                             "pending_update_count": self.webhook.pending + len(self._updates)},
                  "logOut": lambda: True, "close": lambda: True}
        if method in simple:
            return simple[method]()
        if method == "setWebhook":
            return self._set_webhook(params)
        if method == "deleteWebhook":
            return await self._delete_webhook(params)
        if method in ("editMessageText", "editMessageReplyMarkup"):
            edited = self._edit(method, params)
            self._activity.set()
            return edited
        if method == "getFile":
            return self._get_file(params)
        raise ApiError(404, "Not Found: method not found")

    def _set_webhook(self, params: dict[str, Any]) -> bool:
        """Post updates to the URL from now on, the ones not yet fetched first (Telegram keeps them)."""
        url = str(params.get("url") or "")
        if not url:
            raise ApiError(400, "Bad Request: bad webhook: an HTTPS URL must be provided for webhook")
        if _truthy(params.get("drop_pending_updates")):
            self._updates.clear()
        while self._updates:
            update = self._updates.popleft()
            if update["update_id"] > self.acknowledged:
                self.webhook.add(update)
        self.webhook.set(url, str(params.get("secret_token") or ""))
        return True

    async def _delete_webhook(self, params: dict[str, Any]) -> bool:
        """Stop posting; updates not yet delivered wait for getUpdates (unless dropped)."""
        waiting = await self.webhook.take_back()
        if not _truthy(params.get("drop_pending_updates")):
            self._updates.extend(waiting)
            self._new_update.set()
        return True

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook.url:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook "
                                "to delete the webhook first")
        offset = int(params.get("offset") or 0)
        self.acknowledged = max(self.acknowledged, offset - 1)
        while self._updates and self._updates[0]["update_id"] < offset:
            self._updates.popleft()
        if not self._updates:
            self._new_update.clear()
            try:
                async with asyncio.timeout(float(params.get("timeout") or 0)):
                    await self._new_update.wait()
            except TimeoutError:
                return []
        limit = int(params.get("limit") or 100)
        return list(itertools.islice(self._updates, limit))

    def _send(self, method: str, params: dict[str, Any], files: dict[str, tuple[str, bytes]]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        self._refuse_if_needed(chat_id)
        text = str(params.get("text") or params.get("caption") or "")
        if method == "sendMessage" and not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > (4096 if method == "sendMessage" else 1024):
            raise ApiError(400, "Bad Request: message is too long")
        _check_buttons(params.get("reply_markup"))
        name, data, reference = _attachment(method, params, files, self.files)
        # Like Telegram, a file sent again by its id keeps that id; an upload gets a new one.
        file_id = reference or (self.store_file(data or b"") if method in _FILE_METHODS else None)
        sent = Sent(self.new_message_id(), chat_id, method, text, params.get("reply_markup"), next(self._seq),
                    time.monotonic(), data, name, file_id=file_id,
                    uploaded=method in _FILE_METHODS and reference is None)
        self.sent.setdefault(chat_id, []).append(sent)
        self._recent_sends.append(sent.at)
        extra = _media_json(method, data, params, file_id)
        return message_json(sent.message_id, chat_id, self.bot_user, text=text, reply_markup=sent.reply_markup,
                            caption=method != "sendMessage", extra=extra)

    def _refuse_if_needed(self, chat_id: int) -> None:
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat_id in self.fail_once:
            raise ApiError(self.fail_once.pop(chat_id), "Bad Gateway")
        now = time.monotonic()
        if chat_id in self.flood_once:  # one chat's flood wait: refused again until it ends
            self._flood_chat(chat_id, now, self.flood_once.pop(chat_id))
        if now < self.chat_flood_until.get(chat_id, 0.0):
            self.early_chat_calls += 1
            self._flood_chat(chat_id, now, self.chat_flood_until[chat_id] - now)
        if self.max_sends_per_second is not None:
            while self._recent_sends and self._recent_sends[0] < now - 1:
                self._recent_sends.popleft()
            if len(self._recent_sends) >= self.max_sends_per_second:
                self.refused += 1
                raise ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        if self.chat_limit is not None:
            self._take_chat_token(chat_id, now, *self.chat_limit)

    def _take_chat_token(self, chat_id: int, now: float, rate: float, burst: int) -> None:
        tokens, counted = self._chat_tokens.get(chat_id, (float(burst), now))
        tokens = min(float(burst), tokens + (now - counted) * rate)
        if tokens < 1:
            self._chat_tokens[chat_id] = (tokens, now)
            self._flood_chat(chat_id, now, (1 - tokens) / rate)
        self._chat_tokens[chat_id] = (tokens - 1, now)

    def _flood_chat(self, chat_id: int, now: float, wait: float) -> None:
        self.chat_flood_until[chat_id] = max(self.chat_flood_until.get(chat_id, 0.0), now + wait)
        self.refused += 1
        self.refused_in_chats += 1
        self.chat_refusals.append((chat_id, now, wait))
        raise ApiError(429, f"Too Many Requests: retry after {wait:.2f}", {"retry_after": wait})

    def _edit(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        found = next((m for m in self.messages_to(chat_id) if m.message_id == message_id), None)
        if found is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        _check_buttons(params.get("reply_markup"))
        if method == "editMessageText":
            if params.get("text") == found.text and params.get("reply_markup") == found.reply_markup:
                raise ApiError(400, "Bad Request: message is not modified")
            found.edits.append(found.text)
            found.text = str(params.get("text", ""))
        found.reply_markup = params.get("reply_markup")
        found.seq = next(self._seq)
        return message_json(found.message_id, chat_id, self.bot_user, text=found.text, reply_markup=found.reply_markup)

    def _get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params.get("file_id"))
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {"file_id": file_id, "file_unique_id": file_id, "file_size": len(self.files[file_id]),
                "file_path": f"files/{file_id}"}


_FILE_METHODS = {"sendPhoto": "photo", "sendDocument": "document", "sendVoice": "voice"}


def _attachment(method: str, params: dict[str, Any], files: dict[str, tuple[str, bytes]],
                known: dict[str, bytes]) -> tuple[str | None, bytes | None, str | None]:
    """Return the sent file's name and bytes, and its file id when it was sent by one."""
    field_name = _FILE_METHODS.get(method)
    if field_name is None:
        return None, None, None
    if field_name in files:
        return (*files[field_name], None)
    reference = str(params.get(field_name, ""))
    if reference.startswith("attach://") and reference[9:] in files:
        return (*files[reference[9:]], None)
    if reference in known:
        return None, known[reference], reference
    raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")


def _media_json(method: str, data: bytes | None, params: dict[str, Any], file_id: str | None) -> dict[str, Any]:
    if method == "sendPhoto":
        return {"photo": photo_sizes(file_id or "", len(data or b""))}
    if method == "sendDocument":
        return {"document": {"file_id": file_id, "file_unique_id": file_id, "file_size": len(data or b"")}}
    if method == "sendVoice":
        return {"voice": {"file_id": file_id, "file_unique_id": file_id, "duration": 1}}
    if method == "sendLocation":
        return {"location": {"latitude": float(params["latitude"]), "longitude": float(params["longitude"])}}
    return {}


class _MethodHandler(RequestHandler):  # type: ignore[misc]
    def initialize(self, api: FakeBotApi) -> None:
        self.api = api

    async def post(self, token: str, method: str) -> None:
        await self._answer(token, method)

    async def get(self, token: str, method: str) -> None:
        await self._answer(token, method)

    async def _answer(self, token: str, method: str) -> None:
        if token != self.api.token:
            return self._write_error(ApiError(401, "Unauthorized"))
        params = {k: _decode(k, v[-1].decode()) for k, v in self.request.body_arguments.items()}
        params.update({k: _decode(k, v[-1].decode()) for k, v in self.request.query_arguments.items()})
        files = {k: (f[0].filename, f[0].body) for k, f in self.request.files.items()}
        try:
            result = await self.api.call(method, params, files)
        except ApiError as error:
            return self._write_error(error)
        except ConnectionDropped:
            self.request.connection.detach().close()
            self._finished = True  # nothing more to write on a closed connection
            return None
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"ok": True, "result": result}))

    def _write_error(self, error: ApiError) -> None:
        self.set_status(error.status)
        body: dict[str, Any] = {"ok": False, "error_code": error.status, "description": error.description}
        if error.parameters:
            body["parameters"] = error.parameters
        self.finish(json.dumps(body))


class _FileHandler(RequestHandler):  # type: ignore[misc]
    def initialize(self, api: FakeBotApi) -> None:
        self.api = api

    def get(self, token: str, path: str) -> None:
        file_id = path.rsplit("/", 1)[-1]
        if token != self.api.token or file_id not in self.api.files:
            self.set_status(404)
            self.finish()
            return
        self.finish(self.api.files[file_id])


def _check_buttons(markup: Any) -> None:
    """Refuse inline buttons whose data Telegram would refuse: 1 to 64 bytes."""
    rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
    if any(not 1 <= len(str(b.get("callback_data", "")).encode()) <= 64 for row in rows for b in row
           if "callback_data" in b):
        raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")


def _truthy(value: Any) -> bool:
    """Read a Bot API boolean parameter (sent as JSON text, or a real bool)."""
    return value is True or str(value).lower() == "true"


def _decode(key: str, value: str) -> Any:
    if key in _JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
