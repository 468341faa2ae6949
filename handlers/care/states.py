"""The questions of the care conversation (关爱走访), one flow for the list, visits and patrols."""

from __future__ import annotations

from enum import Enum, auto

FLOW = "care"  # the flow's name, and the prefix of its button data


class CareState(Enum):
    """Where a cadre or grid worker is in the care conversation."""

    HOME = auto()
    LIST = auto()
    PERSON = auto()
    FIND = auto()
    CATEGORY = auto()
    RHYTHM = auto()
    REMOVE = auto()
    WHOM = auto()
    HOW = auto()
    NOTE = auto()
    PHOTO = auto()
    OUTCOME = auto()
    PROBLEM_KIND = auto()
    PATROL_WHERE = auto()
    PATROL_NOTE = auto()
    PATROL_OUTCOME = auto()
    PATROL_KIND = auto()
