"""Care visits (关爱走访): the care list, visits, patrols; the daily reminders and the digest's section."""

from __future__ import annotations

from enum import Enum

from handlers import glossary
from handlers.care import listing, patrols, visits
from handlers.care.states import FLOW, CareState
from handlers.conversations import Flow, MenuItem, MenuSection, State
from handlers.events import EventKind
from handlers.texts import _
from village.care.access import LIST_ROLES

EXPIRED = _("Your unfinished care visit entry was not completed within 24 hours and has been discarded.")
TYPED = frozenset({EventKind.TEXT})
SPOKEN = frozenset({EventKind.TEXT, EventKind.VOICE})


def _states() -> dict[Enum, State]:
    return {
        CareState.HOME: State(listing.ask_home, listing.receive_home),
        CareState.LIST: State(listing.ask_list, listing.receive_list),
        CareState.PERSON: State(listing.ask_person, listing.receive_person),
        CareState.FIND: State(listing.ask_find, listing.receive_find, accepts=TYPED),
        CareState.CATEGORY: State(listing.ask_category, listing.receive_category),
        CareState.RHYTHM: State(listing.ask_rhythm, listing.receive_rhythm),
        CareState.REMOVE: State(listing.ask_remove, listing.receive_remove),
        CareState.WHOM: State(visits.ask_whom, visits.receive_whom),
        CareState.HOW: State(visits.ask_how, visits.receive_how),
        CareState.NOTE: State(visits.ask_note, visits.receive_note, accepts=SPOKEN),
        CareState.PHOTO: State(visits.ask_photo, visits.receive_photo, accepts=frozenset({EventKind.PHOTO})),
        CareState.OUTCOME: State(visits.ask_outcome, visits.receive_outcome),
        CareState.PROBLEM_KIND: State(visits.ask_problem_kind, visits.receive_problem_kind),
        CareState.PATROL_WHERE: State(patrols.ask_where, patrols.receive_where,
                                      accepts=frozenset({EventKind.TEXT, EventKind.LOCATION})),
        CareState.PATROL_NOTE: State(patrols.ask_note, patrols.receive_note, accepts=SPOKEN),
        CareState.PATROL_OUTCOME: State(patrols.ask_outcome, patrols.receive_outcome),
        CareState.PATROL_KIND: State(patrols.ask_kind, patrols.receive_kind),
    }


def build() -> list[Flow]:
    """Return the care flow: 💗 in the work tools, for cadres, supervisors and grid workers."""
    return [Flow(name=FLOW, begin=listing.begin, states=_states(), commands=("care",), expired=EXPIRED,
                 menu=MenuItem(glossary.CARE_VISITS, roles=frozenset(LIST_ROLES), order=27,
                               section=MenuSection.TOOLS),
                 actions={"person": listing.open_person, "visit": visits.start_visit})]


__all__ = ["build"]
