"""One way to act as a villager on either channel, so that one scenario runs on Telegram and on WeChat.

A scenario speaks to a `ChannelDriver`: join by a household card, type, pick a choice by its label,
send a photo, a voice message or a location, and read what a person was shown as plain messages
(text, the choices offered, a picture). The Telegram driver taps buttons on the Bot API emulator; the
WeChat driver answers numbered options on the fake WeChat (a digit for a passive reply, a `msgmenu`
tap for a customer-service message, the label for a menu item) and reads passive replies and
customer-service messages alike.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Protocol

import xmltodict

from bot.emulator import FakeUser
from bot.emulator.api import Sent
from bot.emulator.harness import Harness
from bot.wechat.fake.harness import WechatHarness
from bot.wechat.fake.inputs import Push
from bot.wechat.fake.world import Sent as WechatSent
from tests.factories import OPERATOR
from village.services import Services

SPOT = (30.9211, 121.4745)  # where the villagers stand when they share their location
_LINK = re.compile(r'<a href="weixin://bizmsgmenu[^"]*">(.*?)</a>')


@dataclass(frozen=True)
class Villager:
    """A person of the test roster, with an account on each channel."""

    name: str
    phone: str
    tg_id: int
    household: str = ""  # the household card's label; staff have none

    @property
    def open_id(self) -> str:
        """Return the person's WeChat OpenID on the fake account."""
        return f"o_{self.tg_id:026d}"

    @property
    def tg_user(self) -> FakeUser:
        """Return the person's Telegram account."""
        return FakeUser(self.tg_id, self.name, phone=f"+86{self.phone}")


@dataclass(frozen=True)
class Shown:
    """One message as the person sees it: its text, the choices offered under it, a picture."""

    text: str
    choices: tuple[str, ...] = ()
    picture: bytes | None = None


class ChannelDriver(Protocol):
    """What a scenario does as people, on one channel."""

    name: str

    async def join(self, person: Villager) -> list[Shown]:
        """Join by the household's invite card and pick oneself; return the last answer."""
        ...

    async def enrol(self, person: Villager) -> None:
        """Make a staff member (no household card) a joined user who has written recently."""
        ...

    async def says(self, person: Villager, text: str) -> list[Shown]:
        """Type a text or a /command; return what the person was shown because of it."""
        ...

    async def picks(self, person: Villager, label: str) -> list[Shown]:
        """Pick a choice, a menu item or a key by its label."""
        ...

    async def sends_photo(self, person: Villager, data: bytes) -> list[Shown]:
        """Send a photo."""
        ...

    async def sends_voice(self, person: Villager, data: bytes) -> list[Shown]:
        """Send a voice message."""
        ...

    async def sends_location(self, person: Villager) -> list[Shown]:
        """Share one's location (at SPOT)."""
        ...

    async def settle(self) -> None:
        """Wait until the outbox has sent everything due."""
        ...

    def inbox(self, person: Villager) -> list[Shown]:
        """Return everything the person was shown so far, oldest first."""
        ...


async def household_code(harness: Harness | WechatHarness, label: str) -> str:
    """Return the invite code printed on the card of household `label` in FX01."""
    runtime = harness.runtime
    async with runtime.database.transaction() as store:
        cards = await Services(store, runtime.clock, harness.config).invites.issue(OPERATOR, "FX01")
    return next(card.code for card in cards if card.household.label == label)


async def bind(harness: Harness | WechatHarness, channel: str, external_id: str, phone: str) -> None:
    """Bind an account to the roster person with `phone`, as joining would."""
    runtime = harness.runtime
    async with runtime.database.transaction() as store:
        person = await store.people.by_phone("+86" + phone)
        assert person is not None, phone
        identity = await store.identities.seen(channel, external_id, chat_ref=external_id, display_name=person.name,
                                               now=runtime.clock.now())
        await store.identities.bind(identity.id, person.id)


class TelegramDriver:
    """Villagers on Telegram, through the Bot API emulator."""

    name = "telegram"

    def __init__(self, harness: Harness) -> None:
        self.harness = harness

    async def join(self, person: Villager) -> list[Shown]:
        code = await household_code(self.harness, person.household)
        await self.says(person, f"/start {code}")
        return await self.picks(person, person.name)

    async def enrol(self, person: Villager) -> None:
        await bind(self.harness, "telegram", str(person.tg_id), person.phone)
        await self.says(person, "/start")

    async def says(self, person: Villager, text: str) -> list[Shown]:
        return _shown(await self.harness.tg.user_says(person.tg_user, text))

    async def picks(self, person: Villager, label: str) -> list[Shown]:
        return _shown(await self.harness.tg.user_taps(person.tg_user, label))

    async def sends_photo(self, person: Villager, data: bytes) -> list[Shown]:
        return _shown(await self.harness.tg.user_sends_photo(person.tg_user, data))

    async def sends_voice(self, person: Villager, data: bytes) -> list[Shown]:
        return _shown(await self.harness.tg.user_sends_voice(person.tg_user, data))

    async def sends_location(self, person: Villager) -> list[Shown]:
        return _shown(await self.harness.tg.user_sends_location(person.tg_user, *SPOT))

    async def settle(self) -> None:
        await self.harness.runtime.settle()

    def inbox(self, person: Villager) -> list[Shown]:
        return _shown(self.harness.tg.replies_to(person.tg_user))


def _shown(sent: list[Sent]) -> list[Shown]:
    return [Shown(s.text, tuple(s.inline_labels), s.file if s.method == "sendPhoto" else None) for s in sent]


@dataclass
class WechatDriver:
    """Villagers on WeChat, through the fake WeChat pushing to our callback."""

    harness: WechatHarness
    name: str = "wechat"
    seen: dict[str, list[Shown]] = field(default_factory=dict)
    synced: dict[str, int] = field(default_factory=dict)

    async def join(self, person: Villager) -> list[Shown]:
        code = await household_code(self.harness, person.household)
        await self._push(person, self.harness.fake.inputs.subscribe(person.open_id))
        await self.says(person, code)
        return await self.picks(person, person.name)

    async def enrol(self, person: Villager) -> None:
        await bind(self.harness, "wechat", person.open_id, person.phone)
        await self.says(person, "/start")

    async def says(self, person: Villager, text: str) -> list[Shown]:
        return await self._push(person, self.harness.fake.inputs.text(person.open_id, text))

    async def picks(self, person: Villager, label: str) -> list[Shown]:
        """Answer a numbered choice: a tap on a `msgmenu` option, the digit of a passive reply's line,
        or else (a menu item, a key) the label typed as text, which the engine matches too."""
        inputs = self.harness.fake.inputs
        offered = next((s for s in reversed(self.inbox(person)) if s.choices), None)
        if offered is None or label not in offered.choices:
            return await self.says(person, label)
        number = str(offered.choices.index(label) + 1)
        sent = self.harness.fake.world.sent.get(person.open_id, [])
        if sent and sent[-1].msg_type == "msgmenu" and self._message(sent[-1]) == offered:
            return await self._push(person, inputs.text(person.open_id, label, menu_id=number))
        return await self.says(person, number)

    async def sends_photo(self, person: Villager, data: bytes) -> list[Shown]:
        media_id = self.harness.fake.world.add_media("image", data, self.harness.clock.now())
        return await self._push(person, self.harness.fake.inputs.image(person.open_id, media_id))

    async def sends_voice(self, person: Villager, data: bytes) -> list[Shown]:
        media_id = self.harness.fake.world.add_media("voice", data, self.harness.clock.now())
        return await self._push(person, self.harness.fake.inputs.voice(person.open_id, media_id))

    async def sends_location(self, person: Villager) -> list[Shown]:
        push = self.harness.fake.inputs.location(person.open_id, *SPOT, "奉贤区和美村")
        return await self._push(person, push)

    async def settle(self) -> None:
        await self.harness.runtime.settle()

    def inbox(self, person: Villager) -> list[Shown]:
        self._sync(person.open_id)
        return list(self.seen.get(person.open_id, []))

    async def _push(self, person: Villager, push: Push) -> list[Shown]:
        self.harness.fake.world.follow(person.open_id)
        before = len(self.inbox(person))
        response = await self.harness.fake.deliver(push)
        await self.harness.runtime.settle()
        body = response.text
        if body and body != "success":
            self.seen[person.open_id].append(self._passive(body))
        return self.inbox(person)[before:]

    def _passive(self, body: str) -> Shown:
        fields = xmltodict.parse(self.harness.fake.pusher.decrypt_reply(body))["xml"]
        if fields.get("MsgType") == "image":
            return Shown("", (), self.harness.fake.world.media[fields["Image"]["MediaId"]].content)
        return _from_text(str(fields.get("Content") or ""))

    def _sync(self, open_id: str) -> None:
        sent = self.harness.fake.world.sent.get(open_id, [])
        start, self.synced[open_id] = self.synced.get(open_id, 0), len(sent)
        self.seen.setdefault(open_id, []).extend(self._message(s) for s in sent[start:])

    def _message(self, sent: WechatSent) -> Shown:
        if sent.msg_type == "image":
            return Shown("", (), self.harness.fake.world.media[sent.payload["image"]["media_id"]].content)
        if sent.msg_type == "msgmenu":
            items = tuple(str(item["content"]) for item in sent.payload["msgmenu"]["list"])
            return Shown(sent.text, items)
        return _from_text(sent.text)


def _from_text(text: str) -> Shown:
    """Read a text as the person sees it: links show their label, numbered lines are choices."""
    plain = html.unescape(_LINK.sub(lambda m: m.group(1), text))
    choices: list[str] = []
    for line in plain.splitlines():
        number, dot, rest = line.partition(". ")
        if dot and number.isdigit() and int(number) == len(choices) + 1:
            choices.append(rest)
    return Shown(plain, tuple(choices))


def texts(shown: list[Shown]) -> str:
    """Return the texts of messages as one text, to look for what the person read."""
    return "\n".join(s.text for s in shown)
