"""Chatting with the demo bot as a WeChat follower, in a terminal: replies printed, choices numbered.

WeChat has no buttons: type the number of a choice (回复 1), its label, or any text. The menu's
items are listed under each reply; type one to open it. Commands:
  :as N      become persona N        :who      list personas
  :scan      scan your household card's QR code (how a villager joins on WeChat)
  :location  share a location        :photo    send a photo
  :voice     send a voice message    :help     this help
  :quit      leave
"""

from __future__ import annotations

import re

from bot.demo.chats import Output, TerminalChat, sample_photo
from bot.demo.dataset import PERSONAS
from bot.wechat.fake.harness import Answer, WechatHarness
from village.people import Actor
from village.services import Services

_LINK = re.compile(r'<a href="weixin://bizmsgmenu\?[^"]*">(.*?)</a>')


class WechatDemoChat(TerminalChat):
    """One terminal session: a persona at a time, each a WeChat follower of the village's account."""

    help = __doc__ or ""

    def __init__(self, harness: WechatHarness, output: Output) -> None:
        super().__init__(output)
        self._wx = harness
        self._open_ids = [f"o_demo_{index:022d}" for index in range(1, len(PERSONAS) + 1)]
        self._me = 0

    def _start_hint(self) -> str:
        return f"You are {PERSONAS[self._me].name}. Start with :scan, then type the number of your name.\n"

    async def _say(self, line: str) -> None:
        self._show(await self._wx.says(self._open_id, line))

    def _after_line(self) -> None:
        """Nothing more: each send above showed its answer."""

    @property
    def _open_id(self) -> str:
        return self._open_ids[self._me]

    async def _command(self, line: str) -> None:
        name, _, argument = line[1:].partition(" ")
        wx, me = self._wx, self._open_id
        if name == "scan":
            self._show(await wx.answer_of(me, await wx.fake.scans(me, await self._card_ticket())))
        elif name == "location":
            self._show(await wx.sends(wx.fake.inputs.location(me, 30.9186, 121.4792, "奉贤区青村镇和美村")))
        elif name == "photo":
            self._show(await wx.answer_of(me, await wx.fake.sends_photo(me, sample_photo())))
        elif name == "voice":
            media_id = wx.fake.world.add_media("voice", b"#!AMR\n-demo-voice", wx.clock.now())
            self._show(await wx.sends(wx.fake.inputs.voice(me, media_id)))
        elif name == "as" and argument.isdigit() and 1 <= int(argument) <= len(PERSONAS):
            self._me = int(argument) - 1
            self._out(f"--- you are now {PERSONAS[self._me].name} ---")
            self._show(Answer(None, tuple(wx.new_messages(self._open_id))))
        elif name == "who":
            self._list_personas()
        else:
            self._out(self.help)

    async def _card_ticket(self) -> str:
        """Return the QR ticket of the persona's household card (issued as the village office would)."""
        async with self._wx.runtime.database.transaction() as store:
            person = await store.people.by_phone(PERSONAS[self._me].phone)
            villages = await store.places.villages()
            village = next((v for v in villages if person is not None and v.id == person.village_id), villages[0])
            services = Services(store, self._wx.runtime.clock, self._wx.config)
            cards = await services.invites.issue(Actor.operator("demo"), village.code)
        household = person.household_id if person is not None else None
        code = next((c.code for c in cards if c.household.id == household), cards[0].code)
        return (await self._wx.endpoint.client.create_qrcode(code)).ticket

    def _show(self, answer: Answer) -> None:
        for text in answer.texts:
            self._out("🤖 " + _LINK.sub(r"\1", text).replace("\n", "\n   "))
        if answer.passive_image:
            self._out("🤖 🖼  [image]")
