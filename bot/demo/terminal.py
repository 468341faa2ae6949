"""Chatting with the demo bot in a terminal: bot messages printed, buttons numbered.

Type text to send it, a number (or a button's whole label) to press that button, or a command:
  :as N      become persona N        :who      list personas
  :contact   share your phone        :location share a location
  :photo     send a photo            :voice    send a voice message
  :sticker   send a sticker          :job NAME run a scheduled job now
  :help      this help               :quit     leave
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field

from PIL import Image

from bot.demo.dataset import PERSONAS, Persona
from bot.emulator import FakeUser, Sent
from bot.emulator.harness import Harness

Output = Callable[[str], None]


@dataclass
class Screen:
    """What the demo user sees: the numbered buttons of the current persona."""

    choices: list[tuple[str, Sent | None]] = field(default_factory=list)
    seen: dict[int, int] = field(default_factory=dict)


class DemoChat:
    """One terminal session: a persona at a time, talking to the real bot."""

    def __init__(self, harness: Harness, output: Output) -> None:
        self._bot = harness
        self._out = output
        self._users = [FakeUser(7000 + i, p.name, p.phone) for i, p in enumerate(PERSONAS)]
        self._me = self._users[0]
        self._screen = Screen()

    def welcome(self) -> None:
        """Explain the demo and list the personas."""
        self._out(__doc__ or "")
        self._list_personas()
        self._out(f"You are {self._me.first_name}. Start with /start, then press the share-phone button.\n")

    async def handle(self, line: str) -> bool:
        """Act on one typed line; return False to quit."""
        line = line.strip()
        if not line:
            return True
        if line in (":quit", ":q", ":exit"):
            return False
        if line.startswith(":"):
            await self._command(line)
        elif line.isdigit() and 1 <= int(line) <= len(self._screen.choices):
            await self._press(int(line))
        elif line in (labels := [label for label, _message in self._screen.choices]):
            await self._press(labels.index(line) + 1)  # a button's label typed in full presses it
        else:
            await self._bot.tg.user_says(self._me, line)
        self._show()
        return True

    async def _command(self, line: str) -> None:
        name, _, argument = line[1:].partition(" ")
        tg = self._bot.tg
        actions = {
            "contact": lambda: tg.user_shares_contact(self._me),
            "location": lambda: tg.user_sends_location(self._me, 30.9123, 121.4745),
            "photo": lambda: tg.user_sends_photo(self._me, _sample_photo()),
            "voice": lambda: tg.user_sends_voice(self._me, b"OggS-demo-voice", duration=4),
            "sticker": lambda: tg.user_sends_sticker(self._me),
        }
        if name in actions:
            await actions[name]()
        elif name == "as" and argument.isdigit() and 1 <= int(argument) <= len(self._users):
            self._me = self._users[int(argument) - 1]
            self._out(f"--- you are now {self._me.first_name} ---")
            self._screen.seen[self._me.id] = max(0, self._screen.seen.get(self._me.id, 0) - 1)
        elif name == "who":
            self._list_personas()
        elif name == "job" and argument:
            await self._run_job(argument)
        else:
            self._out(__doc__ or "")

    async def _run_job(self, name: str) -> None:
        runtime = self._bot.runtime
        try:
            summary = await runtime.scheduler.run(name, runtime.clock.now())
        except KeyError:
            self._out(f"no job {name!r}")
            return
        await runtime.dispatcher.drain()
        self._out(f"job {name}: {summary}")

    async def _press(self, number: int) -> None:
        label, message = self._screen.choices[number - 1]
        if message is None:
            await self._bot.tg.user_taps(self._me, label)
            return
        rows = (message.reply_markup or {}).get("inline_keyboard", [])
        data = next(b["callback_data"] for row in rows for b in row if b["text"] == label)
        await self._bot.tg.user_presses_data(self._me, data, message)

    def _show(self) -> None:
        """Print what arrived for the persona since last time, with numbered buttons; note others' news."""
        api = self._bot.api
        messages = api.messages_to(self._me.id)
        fresh = [m for m in messages if m.seq > self._screen.seen.get(self._me.id, 0)]
        self._screen.choices = []
        for message in fresh:
            self._print_message(message)
        keyboard = api.current_keyboard(self._me.id)
        if keyboard:
            start = len(self._screen.choices)
            self._screen.choices += [(label, None) for label in keyboard]
            self._out("   ⌨  " + "  ".join(f"[{start + i + 1}] {label}" for i, label in enumerate(keyboard)))
        self._screen.seen[self._me.id] = max((m.seq for m in messages), default=0)
        self._announce_others()

    def _print_message(self, message: Sent) -> None:
        kind = {"sendPhoto": "🖼  [image] ", "sendDocument": "📎 [file] ", "sendVoice": "🔊 [voice] ",
                "sendLocation": "📍 [location] "}.get(message.method, "")
        edited = " (edited)" if message.edits else ""
        self._out(f"🤖 {kind}{message.text}{edited}".replace("\n", "\n   "))
        labels = message.inline_labels
        if labels:
            start = len(self._screen.choices)
            self._screen.choices += [(label, message) for label in labels]
            self._out("   " + "  ".join(f"[{start + i + 1}] {label}" for i, label in enumerate(labels)))

    def _announce_others(self) -> None:
        for user in self._users:
            if user is self._me:
                continue
            messages = self._bot.api.messages_to(user.id)
            newest = max((m.seq for m in messages), default=0)
            fresh = sum(1 for m in messages if m.seq > self._screen.seen.get(user.id, 0))
            if fresh and newest > self._screen.seen.get(user.id, 0):
                self._out(f"   📨 {user.first_name} has {fresh} new message(s) (:as "
                          f"{self._users.index(user) + 1} to see)")

    def _list_personas(self) -> None:
        for number, persona in enumerate(PERSONAS, start=1):
            self._out(f"  {number}. {persona.name:<4} {persona.what}")


def _sample_photo() -> bytes:
    image = Image.new("RGB", (320, 240), "#6b8e23")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return buffer.getvalue()


__all__ = ["DemoChat", "Persona"]
