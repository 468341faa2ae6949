"""What every demo terminal does with a typed line; each channel's chat says how it sends and shows.

The Telegram chat (bot/demo/terminal.py) presses numbered buttons; the WeChat chat
(bot/demo/wechat_terminal.py) sends everything as text, as a follower would.
"""

from __future__ import annotations

import io
from abc import ABC, abstractmethod
from collections.abc import Callable

from PIL import Image

from bot.demo.dataset import PERSONAS

Output = Callable[[str], None]
QUIT = (":quit", ":q", ":exit")


class TerminalChat(ABC):
    """One terminal session with the demo bot: a persona at a time; `help` is the chat's own how-to."""

    help: str = ""

    def __init__(self, output: Output) -> None:
        self._out = output

    def welcome(self) -> None:
        """Explain the demo and list the personas."""
        self._out(self.help)
        self._list_personas()
        self._out(self._start_hint())

    async def handle(self, line: str) -> bool:
        """Act on one typed line; return False to quit."""
        line = line.strip()
        if not line:
            return True
        if line in QUIT:
            return False
        if line.startswith(":"):
            await self._command(line)
        else:
            await self._say(line)
        self._after_line()
        return True

    @abstractmethod
    def _start_hint(self) -> str:
        """Return who the user is and how to begin."""

    @abstractmethod
    async def _command(self, line: str) -> None:
        """Run a `:command`."""

    @abstractmethod
    async def _say(self, line: str) -> None:
        """Send what the user typed, as this channel sends it."""

    @abstractmethod
    def _after_line(self) -> None:
        """Show what arrived since, for a chat that collects it rather than getting it back from each send."""

    def _list_personas(self) -> None:
        for number, persona in enumerate(PERSONAS, start=1):
            self._out(f"  {number}. {persona.name:<4} {persona.what}")


def sample_photo() -> bytes:
    """Return a small JPEG to send as a demo photo."""
    image = Image.new("RGB", (320, 240), "#6b8e23")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return buffer.getvalue()
