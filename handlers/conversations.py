"""Conversations declared as data: a flow is a table of states, each asking and receiving.

A state's `ask` renders the question; its `receive` handles the answer and
returns a `Turn`. The engine adds Back, Cancel, the catch-all and the timeout
to every state, and keeps the state and draft in the database.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from handlers.events import EventKind
from handlers.replies import Reply
from handlers.texts import Text
from village.roles import Role

if TYPE_CHECKING:
    from handlers.context import Context

Step = Callable[["Context"], Awaitable["Turn"]]
Ask = Callable[["Context"], Awaitable[Sequence[Reply]]]


class _Keep(Enum):
    KEEP = "keep"


KEEP = _Keep.KEEP


@dataclass(frozen=True)
class Turn:
    """What a step decided: replies to show, and where the conversation goes next.

    Build one with `goto`, `stay`, `reask` or `finish`.
    """

    replies: tuple[Reply, ...] = ()
    next_state: Enum | _Keep | None = KEEP
    ask_again: bool = False
    show_menu: bool = False


def goto(state: Enum, *replies: Reply) -> Turn:
    """Move to `state`: show `replies`, then that state's question."""
    return Turn(replies, state)


def stay(*replies: Reply) -> Turn:
    """Stay in the current state and show `replies` (the question is not repeated)."""
    return Turn(replies, KEEP)


def reask(*replies: Reply) -> Turn:
    """Stay, show a hint, and ask the current question again: the catch-all answer."""
    return Turn(replies, KEEP, ask_again=True)


def finish(*replies: Reply, menu: bool = True) -> Turn:
    """End the conversation; show `replies` and, unless told otherwise, the main menu."""
    return Turn(replies, None, show_menu=menu)


@dataclass(frozen=True)
class State:
    """One question of a conversation and the handler of its answer.

    `accepts` names the kinds of input the question takes besides its own buttons (None: any);
    the engine re-asks with `hint` on anything else, and on a menu button's label typed or pressed
    mid-question, which is never an answer.
    """

    ask: Ask
    receive: Step
    accepts: frozenset[EventKind] | None = None
    hint: Text | None = None


class MenuSection(Enum):
    """Where a menu button sits: on the main keyboard, under ➕ More, or under 🧰 Work tools (staff)."""

    MAIN = "main"
    MORE = "more"
    TOOLS = "tools"


class Need(Enum):
    """What a person must have for a menu button to be of use to them (checked by handlers/menu.py)."""

    HOUSEHOLD = "household"  # a household of their own: its score
    BOARD = "board"  # a group's board to see: their group's, or any for the village's cadres and supervisors
    FAMILY = "family"  # a household to act for in the family link: their own, or any for the village's cadres


@dataclass(frozen=True)
class MenuItem:
    """A menu button that starts a flow, shown to holders of `roles` (everyone when None) who have `needs`.

    The main keyboard keeps a few big buttons for what villagers do most; the rest sit one tap away.
    A button that could only answer "you have no household" is not shown at all.
    """

    label: Text
    roles: frozenset[Role] | None = None
    order: int = 50
    section: MenuSection = MenuSection.MORE
    needs: frozenset[Need] = frozenset()


@dataclass(frozen=True)
class Flow:
    """A feature's conversation.

    `begin` runs on the flow's command or menu button; `actions` answer buttons
    pressed outside the conversation (e.g. in a notification), by action name;
    `public` flows work before joining; `expired` is said when a draft lapses;
    `takes` are kinds of input (a photo, say) that, sent outside any conversation,
    begin the flow with `take` instead of puzzling the person.
    """

    name: str
    begin: Step
    states: Mapping[Enum, State] = field(default_factory=dict)
    commands: tuple[str, ...] = ()
    menu: MenuItem | None = None
    actions: Mapping[str, Step] = field(default_factory=dict)
    public: bool = False
    expired: Text | None = None
    takes: frozenset[EventKind] = frozenset()
    take: Step | None = None

    def state(self, name: str) -> Enum | None:
        """Return the state called `name`, None when the flow has none by that name."""
        return next((s for s in self.states if s.name == name), None)
