"""The menu: a few big items, with ➕ More and, for staff, 🧰 Work tools one tap away."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from handlers import glossary
from handlers.conversations import Flow, MenuSection, Need
from handlers.keyboards import MENU_LABEL
from handlers.replies import MenuView, Reply
from handlers.texts import Content, Text, _
from village.convention.access import has_a_board, has_household
from village.family.access import has_family_screen
from village.people import Person

MORE_LABEL, TOOLS_LABEL = glossary.MORE, glossary.WORK_TOOLS
SECTION_LABELS: dict[MenuSection, Text] = {MenuSection.MORE: MORE_LABEL, MenuSection.TOOLS: TOOLS_LABEL}
CHOOSE = _("Please choose what you would like to do:")
SECTION_PROMPTS: dict[MenuSection, Text] = {
    MenuSection.MORE: _("More services:"),
    MenuSection.TOOLS: _("Your work tools:"),
}


class Menu:
    """Builds the menus and tells which flows a person may start from them."""

    def __init__(self, flows: Sequence[Flow]) -> None:
        self._items = sorted((f for f in flows if f.menu is not None), key=_order)

    def flows_for(self, person: Person | None) -> list[Flow]:
        """Return every menu flow `person` may start (any section), in menu order."""
        if person is None:
            return [f for f in self._items if f.public]
        return [f for f in self._items if _visible(f, person)]

    def reply(self, person: Person | None, text: Content | None = None) -> Reply:
        """Return a message carrying the main menu: the main buttons, then More and Work tools."""
        flows = self.flows_for(person)
        if person is None:  # before joining there are only a couple of buttons: show them all
            return Reply(text or CHOOSE, menu=_view(flows))
        labels: list[Content] = [f.menu.label for f in flows if f.menu and f.menu.section is MenuSection.MAIN]
        labels += [SECTION_LABELS[s] for s in (MenuSection.MORE, MenuSection.TOOLS) if self._in(flows, s)]
        return Reply(text or CHOOSE, menu=MenuView(tuple(labels), CHOOSE))

    def section_reply(self, person: Person | None, section: MenuSection) -> Reply:
        """Return a message with one section's buttons and the way back to the menu."""
        flows = [f for f in self.flows_for(person) if f.menu and f.menu.section is section]
        labels: list[Content] = [f.menu.label for f in flows if f.menu]
        return Reply(SECTION_PROMPTS[section], menu=MenuView((*labels, MENU_LABEL), SECTION_PROMPTS[section]))

    @staticmethod
    def _in(flows: Sequence[Flow], section: MenuSection) -> bool:
        return any(f.menu is not None and f.menu.section is section for f in flows)


def _order(flow: Flow) -> tuple[int, str]:
    assert flow.menu is not None
    return flow.menu.order, flow.name


def _view(flows: Sequence[Flow]) -> MenuView:
    return MenuView(tuple(f.menu.label for f in flows if f.menu), CHOOSE)


NEEDS: dict[Need, Callable[[Person], bool]] = {Need.HOUSEHOLD: has_household, Need.BOARD: has_a_board,
                                               Need.FAMILY: has_family_screen}


def _visible(flow: Flow, person: Person) -> bool:
    assert flow.menu is not None
    roles = flow.menu.roles
    allowed = roles is None or person.has_role(person.village_id, *roles) or any(g.role in roles for g in person.roles)
    return allowed and all(NEEDS[need](person) for need in flow.menu.needs)
