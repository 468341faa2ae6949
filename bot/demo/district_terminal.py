"""The demo's terminal chat on a district (a leader and workers): the usual chat, and the workers to watch or kill."""

from __future__ import annotations

from pathlib import Path

from bot.demo.chats import Output
from bot.demo.district import District, NoWorkerLeftError
from bot.demo.terminal import DemoChat

COMMANDS = """  :workers  the leader and the workers: which run, which answered the recent updates
  :kill N   kill worker N without warning, as a crash would: the others carry on
"""


class DistrictChat(DemoChat):
    """A terminal session whose updates go to the district's workers in turn."""

    help = DemoChat.help.rstrip() + "\n" + COMMANDS

    def __init__(self, district: District, output: Output, *, received: Path) -> None:
        super().__init__(district, output, received=received)
        self._district = district

    async def handle(self, line: str) -> bool:
        try:
            return await super().handle(line)
        except NoWorkerLeftError:
            self._out("!! every worker is down: nobody takes Telegram's updates (the proxy would answer 502). "
                      ":quit and start the demo again.")
            return True

    async def _command(self, line: str) -> None:
        name, _, argument = line[1:].partition(" ")
        if name == "workers":
            self._out("\n".join(self._district.status()))
        elif name == "kill":
            await self._kill(argument.strip())
        else:
            await super()._command(line)

    async def _kill(self, argument: str) -> None:
        running = [n for n in range(1, len(self._district.workers) + 1) if n not in self._district.killed]
        if not argument.isdigit() or int(argument) not in running:
            self._out(f"no running worker {argument!r}; running: {', '.join(map(str, running)) or 'none'} "
                      "(:kill N)")
            return
        number = int(argument)
        await self._district.kill(number)
        others = [n for n in running if n != number]
        carry_on = (f"worker{'s' if len(others) > 1 else ''} {', '.join(map(str, others))} carr"
                    f"{'y' if len(others) > 1 else 'ies'} on") if others else "no worker is left"
        self._out(f"--- worker {number} killed (SIGKILL); {carry_on} ---")
