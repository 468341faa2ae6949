"""The fake's state: followers, windows, subscriptions, mass-send counts, media, menus, tags, QR codes,
and everything sent to each OpenID. Each API handler takes the call and returns WeChat's JSON answer.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.wechat.fake.windows import Windows

WECHAT_ZONE = ZoneInfo("Asia/Shanghai")
MEDIA_LIFETIME = timedelta(days=3)
JSAPI_TICKET_LIFETIME = timedelta(seconds=7200)
TAG_PAGE = 100
MASS_SENDS_PER_MONTH = 4
THING_MAX_CHARS = 20
OK: dict[str, Any] = {"errcode": 0, "errmsg": "ok"}


def refusal(errcode: int, errmsg: str, **extra: Any) -> dict[str, Any]:
    """Return an error answer (WeChat sends these with HTTP 200)."""
    return {"errcode": errcode, "errmsg": errmsg, **extra}


@dataclass
class Follower:
    """A person following the account."""

    open_id: str
    language: str = "zh_CN"
    qr_scene: str = ""
    tag_ids: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class Sent:
    """Something the account sent to a person: the route's kind, the message type and the payload."""

    kind: str
    msg_type: str
    payload: dict[str, Any]
    at: datetime

    @property
    def text(self) -> str:
        """Return the visible text of a text, a msgmenu, or the values of a notification."""
        if self.msg_type == "text":
            return str(self.payload["text"]["content"])
        if self.msg_type == "msgmenu":
            menu = self.payload["msgmenu"]
            return "\n".join([menu["head_content"], *(item["content"] for item in menu["list"]),
                              menu.get("tail_content", "")]).strip()
        return " ".join(str(v["value"]) for v in self.payload.get("data", {}).values())


@dataclass
class Media:
    """An uploaded (or person-sent) temporary media file."""

    kind: str
    content: bytes
    created_at: datetime


class World:
    """Everything the fake WeChat knows about one account."""

    def __init__(self) -> None:
        self.followers: dict[str, Follower] = {}
        self.windows = Windows()
        self.subscriptions: dict[tuple[str, str], int | None] = {}  # remaining one-time uses; None = long-term
        self.sent: dict[str, list[Sent]] = defaultdict(list)
        self.media: dict[str, Media] = {}
        self.menu: list[dict[str, Any]] = []
        self.conditional_menus: dict[str, dict[str, Any]] = {}
        self.tags: dict[int, str] = {}
        self.qrcodes: dict[str, str] = {}  # ticket -> scene
        self.mass_jobs: dict[str, str] = {}  # clientmsgid -> msg_id
        self._mass_counts: dict[tuple[str, str], int] = defaultdict(int)  # (open_id, "YYYY-MM") -> sends
        self._ids = itertools.count(1000)
        self._ticket: tuple[str, datetime] | None = None
        self.tickets_issued = 0

    # --- the people's side -------------------------------------------------------------------------

    def follow(self, open_id: str, *, scene: str = "", language: str = "zh_CN") -> None:
        """Make the person a follower (idempotent)."""
        self.followers.setdefault(open_id, Follower(open_id, language, scene))

    def unfollow(self, open_id: str) -> None:
        """The person unfollows: no window, no templates."""
        self.followers.pop(open_id, None)
        self.windows.close(open_id)

    def subscribe(self, open_id: str, template_id: str, *, long_term: bool = False) -> None:
        """The person accepts a subscription on the H5 page: one more use, or long-term."""
        key = (open_id, template_id)
        current = self.subscriptions.get(key, 0)
        self.subscriptions[key] = None if long_term or current is None else current + 1

    def add_media(self, kind: str, content: bytes, now: datetime) -> str:
        """Store a media file (a person's photo or voice, or an upload); return its media id."""
        media_id = f"MEDIA_{next(self._ids)}"
        self.media[media_id] = Media(kind, content, now)
        return media_id

    def texts_to(self, open_id: str) -> list[str]:
        """Return the visible text of everything sent to the person, in order."""
        return [sent.text for sent in self.sent[open_id]]

    # --- the API ------------------------------------------------------------------------------------

    def custom_send(self, body: dict[str, Any], now: datetime) -> dict[str, Any]:
        """message/custom/send: only inside the window, and only its allowance."""
        open_id, msg_type = str(body.get("touser", "")), str(body.get("msgtype", ""))
        if open_id not in self.followers:
            return refusal(45015, "response out of time limit or subscription is canceled")
        if msg_type == "msgmenu" and len(body.get("msgmenu", {}).get("list", [])) > 10:
            return refusal(47003, "argument invalid! msgmenu list")
        if (refused := self.windows.use(open_id, now)) is not None:
            return refusal(refused, "out of customer-service window" if refused == 45015 else "reach max api limit")
        return self._record(open_id, "custom", msg_type, body, now)

    def bizsend(self, body: dict[str, Any], now: datetime) -> dict[str, Any]:
        """message/subscribe/bizsend: needs the person's subscription to the template."""
        open_id, template_id = str(body.get("touser", "")), str(body.get("template_id", ""))
        if (bad := _bad_fields(body)) is not None:
            return bad
        remaining = self.subscriptions.get((open_id, template_id), 0)
        if remaining == 0:
            return refusal(43101, "user refuse to accept the msg")
        if remaining is not None:
            self.subscriptions[(open_id, template_id)] = remaining - 1
        return self._record(open_id, "subscription", "subscription", body, now)

    def template_send(self, body: dict[str, Any], now: datetime) -> dict[str, Any]:
        """message/template/send: followers only."""
        open_id = str(body.get("touser", ""))
        if open_id not in self.followers:
            return refusal(43004, "require subscribe")
        if (bad := _bad_fields(body)) is not None:
            return bad
        return {**self._record(open_id, "template", "template", body, now), "msgid": next(self._ids)}

    def mass_send(self, body: dict[str, Any], now: datetime) -> dict[str, Any]:
        """message/mass/send by OpenID list: 4 per person per month, idempotent by clientmsgid."""
        client_msg_id, open_ids = str(body.get("clientmsgid", "")), list(body.get("touser", []))
        if client_msg_id and client_msg_id in self.mass_jobs:
            return refusal(45065, "clientmsgid exist", msg_id=self.mass_jobs[client_msg_id])
        if len(open_ids) < 2:
            return refusal(40130, "invalid openid list size, at least two openid")
        month = now.astimezone(WECHAT_ZONE).strftime("%Y-%m")
        for open_id in open_ids:
            if open_id in self.followers and self._mass_counts[open_id, month] < MASS_SENDS_PER_MONTH:
                self._mass_counts[open_id, month] += 1
                self._record(open_id, "mass", str(body.get("msgtype", "")), body, now)
        msg_id = str(next(self._ids))
        if client_msg_id:
            self.mass_jobs[client_msg_id] = msg_id
        return {**OK, "msg_id": msg_id, "msg_data_id": msg_id}

    def media_upload(self, kind: str, content: bytes, now: datetime) -> dict[str, Any]:
        """media/upload: a temporary file, kept 3 days."""
        media_id = self.add_media(kind, content, now)
        return {"type": kind, "media_id": media_id, "created_at": int(now.timestamp())}

    def media_get(self, media_id: str, now: datetime) -> Media | dict[str, Any]:
        """media/get: the file, or 40007 once it is older than 3 days."""
        media = self.media.get(media_id)
        if media is None or now >= media.created_at + MEDIA_LIFETIME:
            return refusal(40007, "invalid media_id")
        return media

    def menu_create(self, body: dict[str, Any]) -> dict[str, Any]:
        """menu/create: 3 top-level items of up to 5 sub-items."""
        if (bad := _bad_menu(body.get("button", []))) is not None:
            return bad
        self.menu = list(body["button"])
        return OK

    def menu_add_conditional(self, body: dict[str, Any]) -> dict[str, Any]:
        """menu/addconditional: a menu for people with a tag."""
        tag = str(body.get("matchrule", {}).get("tag_id", ""))
        if not tag.isdigit() or int(tag) not in self.tags:
            return refusal(47003, "argument invalid! matchrule.tag_id")
        if (bad := _bad_menu(body.get("button", []))) is not None:
            return bad
        menu_id = str(next(self._ids))
        self.conditional_menus[menu_id] = body
        return {"menuid": menu_id}

    def tag_create(self, body: dict[str, Any]) -> dict[str, Any]:
        """tags/create."""
        tag_id = next(self._ids)
        self.tags[tag_id] = str(body.get("tag", {}).get("name", ""))
        return {"tag": {"id": tag_id, "name": self.tags[tag_id]}}

    def tag_members(self, body: dict[str, Any], *, add: bool = True) -> dict[str, Any]:
        """tags/members/batchtagging, or batchuntagging with `add=False`."""
        tag_id, open_ids = body.get("tagid"), list(body.get("openid_list", []))
        if tag_id not in self.tags:
            return refusal(45159, "invalid tag id")
        if unknown := [o for o in open_ids if o not in self.followers]:
            return refusal(40003, f"invalid openid {unknown[0]}")
        for open_id in open_ids:
            tags = self.followers[open_id].tag_ids
            tags.add(int(tag_id)) if add else tags.discard(int(tag_id))
        return OK

    def tag_followers(self, body: dict[str, Any]) -> dict[str, Any]:
        """user/tag/get: the followers with a tag, in pages (of `TAG_PAGE` here; WeChat's are 10,000)."""
        tag_id, after = body.get("tagid"), str(body.get("next_openid") or "")
        if tag_id not in self.tags:
            return refusal(45159, "invalid tag id")
        members = sorted(o for o, f in self.followers.items() if int(tag_id) in f.tag_ids)
        page = [o for o in members if o > after][:TAG_PAGE]
        return {"count": len(page), "data": {"openid": page}, "next_openid": page[-1] if page else ""}

    def tags_get(self) -> dict[str, Any]:
        """tags/get: every tag with how many followers carry it."""
        counts = {t: sum(t in f.tag_ids for f in self.followers.values()) for t in self.tags}
        return {"tags": [{"id": t, "name": name, "count": counts[t]} for t, name in self.tags.items()]}

    def menu_delete(self) -> dict[str, Any]:
        """menu/delete: the menu and every conditional menu go."""
        self.menu, self.conditional_menus = [], {}
        return OK

    def menu_for(self, open_id: str) -> list[dict[str, Any]]:
        """Return the menu the person sees: the newest conditional menu matching one of their tags, else the menu."""
        tags = self.followers[open_id].tag_ids if open_id in self.followers else set()
        for menu in reversed(self.conditional_menus.values()):
            if int(menu["matchrule"]["tag_id"]) in tags:
                return list(menu["button"])
        return self.menu

    @property
    def current_ticket(self) -> str | None:
        """Return the jsapi_ticket last handed out, to check a page's JS-SDK signature against."""
        return self._ticket[0] if self._ticket else None

    def jsapi_ticket(self, now: datetime) -> dict[str, Any]:
        """ticket/getticket?type=jsapi: the same ticket for two hours, as WeChat hands it out."""
        if self._ticket is None or now >= self._ticket[1]:
            self._ticket = (f"JSAPI_TICKET_{next(self._ids)}", now + JSAPI_TICKET_LIFETIME)
        self.tickets_issued += 1
        return {**OK, "ticket": self._ticket[0], "expires_in": int((self._ticket[1] - now).total_seconds())}

    def qrcode_create(self, body: dict[str, Any]) -> dict[str, Any]:
        """qrcode/create with a string scene: permanent, or temporary up to 30 days."""
        scene = str(body.get("action_info", {}).get("scene", {}).get("scene_str", ""))
        if not 1 <= len(scene) <= 64:
            return refusal(40053, "invalid action info")
        ticket = f"TICKET_{next(self._ids)}"
        self.qrcodes[ticket] = scene
        answer: dict[str, Any] = {"ticket": ticket, "url": f"http://weixin.qq.com/q/{ticket}"}
        if body.get("action_name") == "QR_STR_SCENE":
            answer["expire_seconds"] = min(int(body.get("expire_seconds", 60)), 2_592_000)
        return answer

    def user_info(self, open_id: str) -> dict[str, Any]:
        """user/info: no nickname or avatar any more; language, tags and the QR scene of the follow."""
        follower = self.followers.get(open_id)
        if follower is None:
            return {"subscribe": 0, "openid": open_id}
        return {"subscribe": 1, "openid": open_id, "language": follower.language,
                "tagid_list": sorted(follower.tag_ids), "qr_scene_str": follower.qr_scene,
                "subscribe_scene": "ADD_SCENE_QR_CODE" if follower.qr_scene else "ADD_SCENE_OTHERS"}

    def _record(self, open_id: str, kind: str, msg_type: str, body: dict[str, Any], now: datetime) -> dict[str, Any]:
        self.sent[open_id].append(Sent(kind, msg_type, body, now))
        return OK


def _bad_fields(body: dict[str, Any]) -> dict[str, Any] | None:
    """Refuse `thing` fields over 20 characters or with line breaks (47003), as WeChat does."""
    for name, value in body.get("data", {}).items():
        text = str(value.get("value", "")) if isinstance(value, dict) else ""
        if name.startswith("thing") and (len(text) > THING_MAX_CHARS or "\n" in text):
            return refusal(47003, f"argument invalid! data.{name}.value")
    return None


def _bad_menu(buttons: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not 1 <= len(buttons) <= 3:
        return refusal(40016, "invalid button size")
    for button in buttons:
        if len(str(button.get("name", "")).encode()) > 16:
            return refusal(40018, "invalid button name size")
        children = button.get("sub_button", [])
        if len(children) > 5:
            return refusal(40023, "invalid sub button size")
        if any(len(str(child.get("name", "")).encode()) > 60 for child in children):
            return refusal(40079, "invalid sub button name size")
    return None
