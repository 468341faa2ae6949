"""Driving conversations with events and no Telegram at all: the same for every channel."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import count

import pytest

from bot.i18n import Catalogs
from handlers import registry
from handlers.engine import Engine
from handlers.events import Contact, Event, EventKind
from handlers.replies import Reply
from storage.database import Database
from tests.factories import kept, load_roster, media_keeper
from village.clock import ManualClock
from village.settings import VillageSettings

_updates = count(1)


@dataclass
class Chat:
    """One person talking to the engine directly; `replies` holds what they were shown last."""

    engine: Engine
    external_id: str
    replies: list[Reply] = field(default_factory=list)

    async def send(self, kind: EventKind, **fields: object) -> list[Reply]:
        """Send one event and keep the rendered replies."""
        event = Event(channel="test", external_id=self.external_id, chat_ref=self.external_id, kind=kind,
                      update_ref=str(next(_updates)), **fields)  # type: ignore[arg-type]
        self.replies = await self.engine.handle(await kept(self.engine._media, event))
        return self.replies

    async def says(self, text: str) -> list[Reply]:
        """Type text, or a /command with its argument."""
        if text.startswith("/"):
            command, _, argument = text[1:].partition(" ")
            return await self.send(EventKind.COMMAND, command=command, text=argument)
        return await self.send(EventKind.TEXT, text=text)

    async def taps(self, label: str) -> list[Reply]:
        """Press an inline button of the last replies by its label, or a keyboard button."""
        for reply in reversed(self.replies):
            for row in reply.buttons:
                for button in row:
                    if button.label == label:
                        return await self.send(EventKind.BUTTON, payload=button.data)
        return await self.says(label)

    async def send_button(self, data: str) -> list[Reply]:
        """Press a button with arbitrary data, as a tampered client could."""
        return await self.send(EventKind.BUTTON, payload=data)

    async def shares_contact(self, phone: str, *, own: bool = True) -> list[Reply]:
        """Share a phone contact."""
        return await self.send(EventKind.CONTACT, contact=Contact(phone, own))

    def texts(self) -> list[str]:
        """Return the texts of the last replies."""
        return [str(r.text) for r in self.replies]


EngineFactory = Callable[[], Engine]


@pytest.fixture
async def new_engine(database: Database, clock: ManualClock) -> EngineFactory:
    """Make engines over the test roster (a second one stands for the bot after a restart)."""
    await load_roster(database, clock)
    return lambda: Engine(registry.flows(), database=database, clock=clock, settings=VillageSettings(),
                          renderer=Catalogs.load(), stranger_flow=registry.STRANGER_FLOW,
                          media=media_keeper(database, clock))


@pytest.fixture
def engine(new_engine: EngineFactory) -> Engine:
    """The engine with every flow, with real catalogs."""
    return new_engine()


@pytest.fixture
def chat(engine: Engine) -> Chat:
    """A chat for a stranger who has not joined yet."""
    return Chat(engine, "5001")


def labels(replies: Sequence[Reply]) -> list[str]:
    """Return every inline and keyboard label shown."""
    inline = [str(b.label) for r in replies for row in r.buttons for b in row]
    keys = [str(k.label) for r in replies if r.keyboard for row in r.keyboard for k in row]
    return inline + keys
