"""The WeChat API methods Hemei uses: customer-service, subscription, template and mass messages, media,
the custom menu, tags, QR codes and user info. Every refusal raises a typed error (bot/wechat/errors.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.wechat.api import Answer, WechatApi
from bot.wechat.errors import MASS_SEND_DUPLICATE, PermanentError

MAX_MENU_OPTIONS = 10
MAX_SCENE_CHARS = 64

MediaKind = Literal["image", "voice", "video", "thumb"]


@dataclass(frozen=True)
class MenuOption:
    """One option of a `msgmenu` message: a tap comes back as text with `bizmsgmenuid` = `id`."""

    id: str
    label: str


@dataclass(frozen=True)
class MenuButton:
    """A custom-menu item: `click` (key), `view` (url), `pic_photo_or_album` or `location_select` (key),
    or a parent of up to 5 `children`."""

    label: str
    kind: str = "click"
    key: str = ""
    url: str = ""
    children: tuple[MenuButton, ...] = field(default=())

    def as_json(self) -> Answer:
        """Return the button as menu/create expects it."""
        if self.children:
            return {"name": self.label, "sub_button": [child.as_json() for child in self.children]}
        return {"type": self.kind, "name": self.label, **({"url": self.url} if self.kind == "view" else
                                                            {"key": self.key})}


@dataclass(frozen=True)
class QrCode:
    """A QR code's ticket, the URL it encodes, and its lifetime (None: permanent)."""

    ticket: str
    url: str
    expire_seconds: int | None


@dataclass(frozen=True)
class UserInfo:
    """What user/info still tells: following or not, language, tags and the QR scene of the follow."""

    open_id: str
    subscribed: bool
    language: str = ""
    qr_scene: str = ""
    tag_ids: tuple[int, ...] = ()


class WechatClient:
    """One account's API, over the transport that handles tokens, errcodes and paused routes."""

    def __init__(self, api: WechatApi) -> None:
        self.api = api

    async def send_text(self, open_id: str, text: str) -> None:
        """Send a customer-service text (needs an open window)."""
        await self._custom(open_id, "text", {"content": text})

    async def send_image(self, open_id: str, media_id: str) -> None:
        """Send a customer-service image by media id."""
        await self._custom(open_id, "image", {"media_id": media_id})

    async def send_menu(self, open_id: str, head: str, options: Sequence[MenuOption], tail: str = "") -> None:
        """Send a `msgmenu` message: a text with up to 10 tappable options."""
        if not 1 <= len(options) <= MAX_MENU_OPTIONS:
            raise ValueError(f"a msgmenu has 1 to {MAX_MENU_OPTIONS} options, not {len(options)}")
        items = [{"id": option.id, "content": option.label} for option in options]
        await self._custom(open_id, "msgmenu", {"head_content": head, "list": items, "tail_content": tail})

    async def send_subscription(self, open_id: str, template_id: str, data: Mapping[str, str], *,
                                page: str = "") -> None:
        """Send a subscription notification (订阅通知); `page` is the H5 page it opens."""
        payload = {"touser": open_id, "template_id": template_id, "data": _values(data), "page": page}
        await self.api.call("cgi-bin/message/subscribe/bizsend", payload=payload)

    async def send_template(self, open_id: str, template_id: str, data: Mapping[str, str], *, url: str = "") -> str:
        """Send a template message to a follower; return its msgid."""
        payload = {"touser": open_id, "template_id": template_id, "data": _values(data), "url": url}
        answer = await self.api.call("cgi-bin/message/template/send", payload=payload)
        return str(answer.get("msgid", ""))

    async def mass_send_text(self, open_ids: Sequence[str], text: str, *, client_msg_id: str) -> str:
        """Mass-send a text to an OpenID list, idempotent by `client_msg_id`; return the job's msg_id."""
        payload = {"touser": list(open_ids), "msgtype": "text", "text": {"content": text},
                   "clientmsgid": client_msg_id}
        try:
            answer = await self.api.call("cgi-bin/message/mass/send", payload=payload)
        except PermanentError as error:
            if error.errcode != MASS_SEND_DUPLICATE or "msg_id" not in error.answer:
                raise
            return str(error.answer["msg_id"])  # sent before under this clientmsgid: that job is the outcome
        return str(answer["msg_id"])

    async def upload_media(self, kind: MediaKind, filename: str, content: bytes) -> str:
        """Upload a temporary media file (kept 3 days by WeChat); return its media id."""
        answer = await self.api.call("cgi-bin/media/upload", params={"type": kind},
                                     files={"media": (filename, content)})
        return str(answer["media_id"])

    async def download_media(self, media_id: str) -> bytes:
        """Return a temporary media file's bytes (a photo or voice message a person sent)."""
        response = await self.api.request("cgi-bin/media/get", params={"media_id": media_id}, method="GET")
        return response.content

    async def create_menu(self, buttons: Sequence[MenuButton]) -> None:
        """Replace the account's custom menu."""
        await self.api.call("cgi-bin/menu/create", payload={"button": [b.as_json() for b in buttons]})

    async def add_conditional_menu(self, buttons: Sequence[MenuButton], *, tag_id: int) -> str:
        """Add a menu shown to people with the tag (cadres); return its menuid."""
        payload = {"button": [b.as_json() for b in buttons], "matchrule": {"tag_id": str(tag_id)}}
        answer = await self.api.call("cgi-bin/menu/addconditional", payload=payload)
        return str(answer["menuid"])

    async def create_tag(self, name: str) -> int:
        """Create a user tag; return its id."""
        answer = await self.api.call("cgi-bin/tags/create", payload={"tag": {"name": name}})
        return int(answer["tag"]["id"])

    async def tag_users(self, tag_id: int, open_ids: Sequence[str]) -> None:
        """Put the tag on the people (at most 50 per call, as WeChat allows)."""
        for start in range(0, len(open_ids), 50):
            payload = {"openid_list": list(open_ids[start:start + 50]), "tagid": tag_id}
            await self.api.call("cgi-bin/tags/members/batchtagging", payload=payload)

    async def create_qrcode(self, scene: str, *, expire_seconds: int | None = None) -> QrCode:
        """Create a QR code whose scan pushes `scene`: permanent, or temporary for up to 30 days."""
        if not 1 <= len(scene) <= MAX_SCENE_CHARS:
            raise ValueError(f"a QR scene has 1 to {MAX_SCENE_CHARS} characters")
        payload: Answer = {"action_name": "QR_LIMIT_STR_SCENE" if expire_seconds is None else "QR_STR_SCENE",
                           "action_info": {"scene": {"scene_str": scene}}}
        if expire_seconds is not None:
            payload["expire_seconds"] = expire_seconds
        answer = await self.api.call("cgi-bin/qrcode/create", payload=payload)
        lifetime = answer.get("expire_seconds")
        return QrCode(str(answer["ticket"]), str(answer["url"]), int(lifetime) if lifetime else None)

    async def user_info(self, open_id: str) -> UserInfo:
        """Return what WeChat tells about a person (no nickname or avatar any more)."""
        answer = await self.api.call("cgi-bin/user/info", params={"openid": open_id, "lang": "zh_CN"},
                                     method="GET")
        if not answer.get("subscribe"):
            return UserInfo(open_id, subscribed=False)
        return UserInfo(open_id, subscribed=True, language=str(answer.get("language", "")),
                        qr_scene=str(answer.get("qr_scene_str", "")),
                        tag_ids=tuple(int(t) for t in answer.get("tagid_list", [])))

    async def _custom(self, open_id: str, msg_type: str, body: Answer) -> None:
        await self.api.call("cgi-bin/message/custom/send",
                            payload={"touser": open_id, "msgtype": msg_type, msg_type: body})


def _values(data: Mapping[str, str]) -> dict[str, Any]:
    return {name: {"value": value} for name, value in data.items()}
