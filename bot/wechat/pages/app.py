"""The pages as a Starlette app: every request is checked against its link's signature and expiry first.

A request without a valid, unexpired signature gets a plain 403 page, whatever it asks for; a signed link
whose content is gone gets a plain 404 page. Neither says anything about what was asked for.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route

from bot.i18n import Catalogs
from bot.wechat.errors import WechatApiError
from bot.wechat.pages import templates
from bot.wechat.pages.links import PageLinks
from bot.wechat.pages.store import PageStore
from bot.wechat.pages.tickets import JsapiTickets
from handlers.texts import Text, _

PAGES_PATH = "/pages"  # where the app is mounted: links are `wechat.public_base_url` + this
log = logging.getLogger(__name__)
HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff"}

SETTINGS_TITLE = _("Reminder settings")
SETTINGS_INTRO = _("Tap the button below to get the village's reminders in WeChat: meetings, the progress of "
                   "your reports, and notices. You can turn them off at any time.")
SUBSCRIBE = _("Subscribe to reminders")
SUBSCRIBED = _("Subscribed. Thank you!")
OUTSIDE_WECHAT = _("Please open this page in WeChat to subscribe.")
DOWNLOAD_TITLE = _("Download a file")
DOWNLOAD = _("Download")
DOWNLOAD_HINT = _("If the download does not start, tap ··· at the top right and choose to open the page in "
                  "your browser.")
REFUSED_TITLE = _("Link not valid")
REFUSED = _("This link is not valid or has expired. Please open the latest message in the chat.")
GONE_TITLE = _("Not found")
GONE = _("There is nothing here any more.")
NO_REMINDERS = _("Reminders are not available yet.")
TRY_LATER = _("Subscribing is not possible right now. Please try again later.")


# Keeps a person's answers on the settings page: their OpenID and {template id: "accept" | "reject"}.
Answers = Callable[[str, dict[str, str]], Awaitable[None]]
MAX_ANSWER_BYTES = 8192


class Pages:
    """The pages of one account, in one language (the village's), over a store, signed links and tickets."""

    def __init__(self, store: PageStore, links: PageLinks, tickets: JsapiTickets, catalogs: Catalogs, *,
                 locale: str, templates: Sequence[str], answers: Answers | None = None) -> None:
        self._store, self._links, self._tickets = store, links, tickets
        self._catalogs, self._locale, self._templates = catalogs, locale, list(templates)
        self._answers = answers

    def app(self) -> Starlette:
        """Return the ASGI app of the pages, to mount at PAGES_PATH."""
        return Starlette(routes=[
            Route("/settings", self._settings), Route("/settings/{open_id}", self._settings),
            Route("/settings/{open_id}/answer", self._answer, methods=["POST"]), Route("/m/{ref}", self._message),
            Route("/f/{ref}", self._download_page), Route("/f/{ref}/download", self._download),
        ])

    def mounted(self) -> Starlette:
        """Return an app serving the pages at PAGES_PATH, for serving them on their own."""
        return Starlette(routes=[Mount(PAGES_PATH, app=self.app())])

    async def _settings(self, request: Request) -> Response:
        open_id = request.path_params.get("open_id")
        path = f"/settings/{open_id}" if open_id else "/settings"
        if not self._signed(request, path):
            return self._refused()
        if not self._templates:
            return _html(templates.refusal(self._t(SETTINGS_TITLE), self._t(NO_REMINDERS)))
        url = f"{self._links.base_url}{path}?{request.url.query}"
        try:
            config = await self._tickets.config(url)
        except WechatApiError:  # no ticket, no subscribing: say so rather than fail the page
            log.warning("no jsapi_ticket for the settings page", exc_info=True)
            return _html(templates.refusal(self._t(SETTINGS_TITLE), self._t(TRY_LATER)), status=503)
        values = {"appId": config.app_id, "timestamp": config.timestamp, "nonceStr": config.nonce,
                  "signature": config.signature, "url": config.url,
                  "answer": self._links.url(f"{path}/answer", expires=int(request.query_params["e"]))
                  if open_id else ""}
        texts = {"intro": self._t(SETTINGS_INTRO), "button": self._t(SUBSCRIBE), "done": self._t(SUBSCRIBED),
                 "outside": self._t(OUTSIDE_WECHAT)}
        return _html(templates.settings(self._t(SETTINGS_TITLE), texts, self._templates, values))

    async def _answer(self, request: Request) -> Response:
        """Keep what the person accepted or refused in `<wx-open-subscribe>` (its `subscribeDetails`)."""
        open_id = request.path_params["open_id"]
        if not self._signed(request, f"/settings/{open_id}/answer"):
            return self._refused()
        body = await request.body()
        answers = _subscribe_details(body, self._templates) if len(body) <= MAX_ANSWER_BYTES else None
        if answers is None:
            return Response(status_code=400, headers=HEADERS)
        if self._answers is not None:
            await self._answers(open_id, answers)
        return Response(status_code=204, headers=HEADERS)

    async def _message(self, request: Request) -> Response:
        ref = request.path_params["ref"]
        if not self._signed(request, f"/m/{ref}"):
            return self._refused()
        kept = self._store.message(ref)
        return _html(templates.message(kept.title, kept.text)) if kept else self._gone()

    async def _download_page(self, request: Request) -> Response:
        ref = request.path_params["ref"]
        if not self._signed(request, f"/f/{ref}"):
            return self._refused()
        kept = self._store.file(ref)
        if kept is None:
            return self._gone()
        href = self._links.url(f"/f/{ref}/download", expires=int(request.query_params["e"]))
        return _html(templates.download(self._t(DOWNLOAD_TITLE), kept.name, _size(len(kept.content)), href,
                                        self._t(DOWNLOAD_HINT), self._t(DOWNLOAD)))

    async def _download(self, request: Request) -> Response:
        ref = request.path_params["ref"]
        if not self._signed(request, f"/f/{ref}/download"):
            return self._refused()
        kept = self._store.file(ref)
        if kept is None:
            return self._gone()
        disposition = f"attachment; filename*=UTF-8''{quote(kept.name)}"
        return Response(kept.content, media_type=kept.mime_type,
                        headers={**HEADERS, "Content-Disposition": disposition})

    def _signed(self, request: Request, path: str) -> bool:
        return self._links.valid(path, request.query_params)

    def _refused(self) -> Response:
        return _html(templates.refusal(self._t(REFUSED_TITLE), self._t(REFUSED)), status=403)

    def _gone(self) -> Response:
        return _html(templates.refusal(self._t(GONE_TITLE), self._t(GONE)), status=404)

    def _t(self, text: Text) -> str:
        return self._catalogs.text(text, self._locale)


def _html(content: str, *, status: int = 200) -> HTMLResponse:
    return HTMLResponse(content, status_code=status, headers=HEADERS)


def _subscribe_details(body: bytes, templates: Sequence[str]) -> dict[str, str] | None:
    """Return {template id: "accept" | "reject"} from the page's post of `subscribeDetails`, None if malformed.

    WeChat gives `subscribeDetails` as a JSON string mapping each template id to a JSON string such as
    `{"status":"accept"}`; only the templates this page offers count.
    """
    try:
        details = json.loads(json.loads(body)["details"])
        answers = {str(t): str(json.loads(v)["status"] if isinstance(v, str) else v["status"])
                   for t, v in details.items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return {t: status for t, status in answers.items() if t in templates and status in ("accept", "reject")}


def _size(size: int) -> str:
    """Return a file size as people read it: 12 KB, 1.5 MB."""
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{max(1, round(size / 1024))} KB"
