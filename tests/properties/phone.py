"""A persona's phone talking to the real engine: what it shows, which buttons it can press, restarts.

It keeps what a Telegram client would: the reply keyboard currently shown (a reply without one
leaves it) and every inline button ever shown (the stale ones can still be pressed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from itertools import count

from bot.i18n import Catalogs
from handlers import registry
from handlers.engine import Engine
from handlers.events import Contact, Event, EventKind, Location, Media
from handlers.keyboards import BACK_LABEL, CANCEL_LABEL, MENU_LABEL
from handlers.menu import SECTION_LABELS
from handlers.replies import KeyRows, Reply
from storage.database import Database
from tests.factories import kept, media_keeper
from tests.properties import actions as a
from tests.properties.world import CHANNEL, Persona
from village.clock import ManualClock
from village.geo import Datum
from village.settings import VillageSettings

_updates = count(1)


@dataclass
class Phone:
    """One persona's chat; `engine` is replaced on a restart."""

    persona: Persona
    database: Database
    clock: ManualClock
    renderer: Catalogs
    engine: Engine = field(init=False)
    replies: list[Reply] = field(default_factory=list)
    keyboard: KeyRows | None = None
    shown: list[str] = field(default_factory=list)
    last_event: Event | None = None
    keyboard_changed: bool = False  # by the latest replies
    keyboard_at: tuple[str, str] | None = None  # the (flow, state) the person was in when it was sent

    def __post_init__(self) -> None:
        self.restart()

    def restart(self) -> None:
        """Stand for the bot after a restart: a new engine over the same database."""
        self.engine = Engine(registry.flows(), database=self.database, clock=self.clock, settings=VillageSettings(),
                             renderer=self.renderer, stranger_flow=registry.STRANGER_FLOW,
                             media=media_keeper(self.database, self.clock))

    def inline_data(self) -> list[str]:
        """Return the data of the inline buttons in the latest replies."""
        return [b.data for r in self.replies for row in r.buttons for b in row]

    def keyboard_labels(self) -> list[str]:
        """Return the labels of the reply keyboard shown."""
        return [str(k.label) for row in self.keyboard or () for k in row]

    def start_labels(self) -> list[str]:
        """Return the menu label of every flow that has one, rendered, whoever may use it."""
        return [self.renderer.text(f.menu.label, "zh_CN") for f in registry.flows() if f.menu]

    def typed_labels(self) -> list[str]:
        """Return labels a person might type: the keyboard's, sections', navigation's."""
        fixed = [*SECTION_LABELS.values(), BACK_LABEL, CANCEL_LABEL, MENU_LABEL]
        return [*self.keyboard_labels(), *(self.renderer.text(label, "zh_CN") for label in fixed)]

    async def act(self, action: a.Action) -> Event | None:
        """Carry out one action; return the event sent (None when nothing was sent)."""
        if isinstance(action, a.Restart):
            self.restart()
            return None
        if isinstance(action, a.Wait):
            self.clock.advance(timedelta(hours=action.hours))
            return None
        event = self.last_event if isinstance(action, a.Replay) else self.event_for(action)
        if event is None:
            return None
        self.last_event = event
        self.show(await self.engine.handle(await kept(self.engine._media, event)))
        return event

    def show(self, replies: list[Reply]) -> None:
        """Keep what the phone now shows."""
        self.replies = replies
        self.keyboard_changed = any(r.remove_keyboard or r.keyboard is not None for r in replies)
        for reply in replies:
            self.shown.extend(b.data for row in reply.buttons for b in row)
            if reply.remove_keyboard:
                self.keyboard = None
            if reply.keyboard is not None:
                self.keyboard = reply.keyboard

    def event_for(self, action: a.Action) -> Event | None:
        """Turn an action into the event the channel would deliver."""
        match action:
            case a.Type(text):
                return self._event(EventKind.TEXT, text=text)
            case a.TypeLabel(index):
                return self._event(EventKind.TEXT, text=_pick(self.typed_labels(), index) or "")
            case a.Start(index, by_command):
                return self._start(index, by_command=by_command)
            case a.Press(index):
                data = _pick(self.inline_data(), index) or _pick(self.shown, index)
                return self._event(EventKind.BUTTON, payload=data) if data is not None else None
            case a.PressStale(index):
                data = _pick(self.shown, index)
                return self._event(EventKind.BUTTON, payload=data) if data is not None else None
            case a.PressForged(data, based_on):
                return self._event(EventKind.BUTTON, payload=self._forged(data, based_on))
            case a.Command(name, argument):
                return self._event(EventKind.COMMAND, command=name, text=argument)
            case a.ShareContact(phone, own):
                return self._event(EventKind.CONTACT, contact=Contact(phone, own))
            case a.SendLocation(latitude, longitude):
                return self._event(EventKind.LOCATION, location=Location(latitude, longitude, Datum.WGS84))
            case a.SendMedia(kind, size, caption, mime_type):
                name = "x.bin" if kind is EventKind.DOCUMENT else None
                media = Media(f"file-{next(_updates)}", size, mime_type, name, 5 if kind is EventKind.VOICE else None)
                return self._event(kind, text=caption, media=media)
            case a.SendOther():
                return self._event(EventKind.OTHER)
        raise AssertionError(action)

    def _start(self, index: int, *, by_command: bool) -> Event:
        if by_command:
            names = sorted({c for f in registry.flows() for c in f.commands})
            return self._event(EventKind.COMMAND, command=names[index % len(names)])
        return self._event(EventKind.TEXT, text=_pick(self.start_labels(), index) or "")

    def _forged(self, data: str, based_on: int | None) -> str:
        base = _pick(self.shown, based_on) if based_on is not None else None
        if base is None:
            return data
        flow, _, rest = base.partition(":")
        action = rest.partition(":")[0]
        return f"{flow}:{action}:{data}"

    def _event(self, kind: EventKind, **fields: object) -> Event:
        external = self.persona.external_id
        return Event(channel=CHANNEL, external_id=external, chat_ref=external, kind=kind,
                     update_ref=str(next(_updates)), display_name=self.persona.name, **fields)  # type: ignore[arg-type]


def _pick(items: list[str], index: int) -> str | None:
    return items[index % len(items)] if items else None

