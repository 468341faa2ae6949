"""How the family link reads on other features' screens: relations, and 由 X（关系）代 Y家 on what a relative did."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum, auto

from handlers.texts import Content, Text, _
from village.family.models import Deputy, Relation

RELATIONS: dict[Relation, Text] = {
    Relation.CHILD: _("son or daughter"),
    Relation.SPOUSE: _("spouse"),
    Relation.RELATIVE: _("relative"),
    Relation.OTHER: _("other relation"),
}


class DeputyAct(Enum):
    """What a relative did for the household, as the line under it says."""

    FILED = auto()
    APPEALED = auto()
    SIGNED_UP = auto()
    PROPOSED = auto()


# The msgid of each act's line; its placeholders are filled in `deputy_line`.
_ACTS: Mapping[DeputyAct, Text] = {
    DeputyAct.FILED: _("Filed by {name} ({relation}) for the {household} household"),
    DeputyAct.APPEALED: _("Appealed by {name} ({relation}) for the {household} household"),
    DeputyAct.SIGNED_UP: _("Signed up by {name} ({relation}) for the {household} household"),
    DeputyAct.PROPOSED: _("Proposed by {name} ({relation}) for the {household} household"),
}


def deputy_line(deputy: Deputy | None, act: DeputyAct) -> Content | None:
    """Return 由 李明（子女）代 张三家 提交 (or 申诉, 报名, 提议) for what a relative did for a household."""
    if deputy is None:
        return None
    return _(_ACTS[act].msgid, name=deputy.name, relation=RELATIONS[deputy.relation], household=deputy.household)
