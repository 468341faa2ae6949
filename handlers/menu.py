"""The main menu: big reply-keyboard buttons for the flows this person may use."""

from __future__ import annotations

from collections.abc import Sequence

from handlers.conversations import Flow
from handlers.replies import KeyButton, Reply
from handlers.texts import _
from village.people import Person

PER_ROW = 2


class Menu:
    """Builds the menu keyboard and recognises a pressed menu button."""

    def __init__(self, flows: Sequence[Flow]) -> None:
        self._items = sorted((f for f in flows if f.menu is not None), key=lambda f: (f.menu.order, f.name))  # type: ignore[union-attr]

    def flows_for(self, person: Person | None) -> list[Flow]:
        """Return the menu's flows that `person` may see, in menu order."""
        if person is None:
            return [f for f in self._items if f.public]
        return [f for f in self._items if _visible(f, person)]

    def reply(self, person: Person | None, text: object = None) -> Reply:
        """Return a message carrying the menu keyboard."""
        buttons = [KeyButton(f.menu.label) for f in self.flows_for(person) if f.menu]
        rows = tuple(tuple(buttons[i:i + PER_ROW]) for i in range(0, len(buttons), PER_ROW))
        return Reply(text or _("Please choose what you would like to do:"), keyboard=rows)  # type: ignore[arg-type]


def _visible(flow: Flow, person: Person) -> bool:
    assert flow.menu is not None
    roles = flow.menu.roles
    return roles is None or person.has_role(person.village_id, *roles) or any(g.role in roles for g in person.roles)
