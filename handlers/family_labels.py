"""How the family link's relations read, shared by the family screens and report cards."""

from __future__ import annotations

from handlers.texts import Text, _
from village.family.models import Relation

RELATIONS: dict[Relation, Text] = {
    Relation.CHILD: _("son or daughter"),
    Relation.SPOUSE: _("spouse"),
    Relation.RELATIVE: _("relative"),
    Relation.OTHER: _("other relation"),
}
