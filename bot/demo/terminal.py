"""Chatting with the demo bot in a terminal: bot messages printed, buttons numbered.

Type text to send it (a plain number too, e.g. a meeting's capacity), #N or a button's whole
label to press that button, or a command:
  :as N      become persona N        :who      list personas
  :contact   share your phone        :location share a location
  :photo     send a photo            :voice    send a voice message
  :sticker   send a sticker          :job NAME run a scheduled job now (:job lists them)
  :help      this help               :quit     leave
Images and files the bot sends are saved in a folder, and each one's path is printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from bot.demo.chats import Output, TerminalChat, sample_photo
from bot.demo.dataset import PERSONA_ID_BASE, PERSONAS, Persona
from bot.emulator import Driver, FakeBotApi, FakeUser, Sent
from handlers import registry


class DemoBot(Protocol):
    """The bot the terminal talks to: in this process (`Harness`), or a leader and workers (`District`)."""

    @property
    def api(self) -> FakeBotApi:
        """The emulator: what the bot sent to each persona."""

    @property
    def tg(self) -> Driver:
        """Acts as the personas; each action returns when the bot has answered."""

    async def run_job(self, name: str) -> str:
        """Run a scheduled job now, send what it queued, and return its summary."""


@dataclass
class Screen:
    """What the demo user sees: the numbered buttons of the current persona."""

    choices: list[tuple[str, Sent | None]] = field(default_factory=list)
    seen: dict[int, int] = field(default_factory=dict)


class DemoChat(TerminalChat):
    """One terminal session: a persona at a time, talking to the real bot."""

    help = __doc__ or ""

    def __init__(self, bot: DemoBot, output: Output, *, received: Path) -> None:
        super().__init__(output)
        self._bot = bot
        self._received = received
        self._users = [FakeUser(PERSONA_ID_BASE + i, p.name, p.phone) for i, p in enumerate(PERSONAS)]
        self._me = self._users[0]
        self._screen = Screen()

    def _start_hint(self) -> str:
        return f"You are {self._me.first_name}. Start with /start, then press the share-phone button.\n"

    async def _say(self, line: str) -> None:
        if (number := _button_number(line)) is not None and 1 <= number <= len(self._screen.choices):
            await self._press(number)  # #N, never a bare number: a question may want that number as text
        elif line in (labels := [label for label, _message in self._screen.choices]):
            await self._press(labels.index(line) + 1)  # a button's label typed in full presses it
        else:
            await self._bot.tg.user_says(self._me, line)

    def _after_line(self) -> None:
        self._show()

    async def _command(self, line: str) -> None:
        name, _, argument = line[1:].partition(" ")
        tg = self._bot.tg
        actions = {
            "contact": lambda: tg.user_shares_contact(self._me),
            "location": lambda: tg.user_sends_location(self._me, 30.9123, 121.4745),
            "photo": lambda: tg.user_sends_photo(self._me, sample_photo()),
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
        elif name == "job":
            await self._run_job(argument)
        else:
            self._out(self.help)

    async def _run_job(self, name: str) -> None:
        if name not in registry.job_names():
            known = "  ".join(sorted(registry.job_names()))
            self._out(f"{f'no job {name!r}. ' if name else ''}Jobs: {known}\n(:job NAME runs one now)")
            return
        self._out(f"job {name}: {await self._bot.run_job(name)}")

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
            self._out("   ⌨  " + "  ".join(f"[#{start + i + 1}] {label}" for i, label in enumerate(keyboard)))
        self._screen.seen[self._me.id] = max((m.seq for m in messages), default=0)
        self._announce_others()

    def _print_message(self, message: Sent) -> None:
        kind = {"sendPhoto": "🖼  [image] ", "sendDocument": "📎 [file] ", "sendVoice": "🔊 [voice] ",
                "sendLocation": "📍 [location] "}.get(message.method, "")
        edited = " (edited)" if message.edits else ""
        self._out(f"🤖 {kind}{message.text}{edited}".replace("\n", "\n   "))
        if message.file is not None:
            self._out(f"   💾 saved to {self._save(message)}")
        labels = message.inline_labels
        if labels:
            start = len(self._screen.choices)
            self._screen.choices += [(label, message) for label in labels]
            self._out("   " + "  ".join(f"[#{start + i + 1}] {label}" for i, label in enumerate(labels)))

    def _save(self, message: Sent) -> Path:
        """Save a file the bot sent where the demo user can open it; the terminal shows no images."""
        data = message.file or b""
        name = Path(message.file_name or "").name
        if name.startswith("application."):  # PTB names bytes after their MIME type: no use for opening them
            name = ""
        if not Path(name).suffix:
            name = f"{name or message.method.removeprefix('send').lower()}{_extension(data)}"
        path = self._received / f"{message.message_id}-{name}"
        self._received.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

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


_SIGNATURES = ((b"\x89PNG", ".png"), (b"\xff\xd8", ".jpg"), (b"OggS", ".ogg"), (b"%PDF", ".pdf"),
               (b"PK", ".xlsx"), (b"BEGIN:VCALENDAR", ".ics"))


def _extension(data: bytes) -> str:
    return next((extension for magic, extension in _SIGNATURES if data.startswith(magic)), ".bin")


def _button_number(line: str) -> int | None:
    """Return N for `#N` (or the full-width `＃N` a Chinese keyboard types), else None."""
    digits = line[1:].strip() if line[:1] in ("#", "＃") else ""
    return int(digits) if digits.isdigit() else None


__all__ = ["DemoChat", "Persona"]
