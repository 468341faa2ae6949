"""Who may see, join and manage consultation in a village, read from the roster's roles.

A meeting or topic belongs to a village and, for the homestead level, to one group.
Residents see and join what is in their scope; cadres manage the whole village, and
a group leader manages the homestead (宅基) meetings and topics of their own group.
Supervisors read everything in their village.
"""

from __future__ import annotations

from village.errors import ErrorCode, PermissionDeniedError
from village.people import Actor, Person
from village.permissions import READERS
from village.roles import Role

MANAGERS = (Role.CADRE,)


def in_scope(person: Person, village_id: int, group_id: int | None) -> bool:
    """Tell whether the person belongs to the village and, for a group's matter, to that group."""
    return person.village_id == village_id and (group_id is None or person.group_id == group_id)


def can_read(actor: Actor, village_id: int, group_id: int | None) -> bool:
    """Tell whether the actor may see a meeting or topic: in scope, or a reader of the village."""
    if actor.has_role(village_id, *READERS):
        return True
    return actor.person is not None and in_scope(actor.person, village_id, group_id)


def require_reader(actor: Actor, village_id: int, group_id: int | None) -> None:
    """Refuse an actor who may not see a meeting or topic in this scope."""
    if not can_read(actor, village_id, group_id):
        raise PermissionDeniedError(ErrorCode.CONSULTATION_OUT_OF_SCOPE)


def leads_group(actor: Actor, village_id: int, group_id: int | None) -> bool:
    """Tell whether the actor is the group leader of `group_id` in the village."""
    person = actor.person
    return (person is not None and group_id is not None and person.group_id == group_id
            and person.has_role(village_id, Role.GROUP_LEADER))


def can_manage(actor: Actor, village_id: int, group_id: int | None) -> bool:
    """Tell whether the actor may plan and run meetings, or decide topics, in this scope."""
    return actor.has_role(village_id, *MANAGERS) or leads_group(actor, village_id, group_id)


def require_manager(actor: Actor, village_id: int, group_id: int | None) -> None:
    """Refuse unless the actor is a cadre of the village or leads this group."""
    if not can_manage(actor, village_id, group_id):
        raise PermissionDeniedError()


def may_plan(person: Person) -> bool:
    """Tell whether the person may plan meetings at all (cadres, and group leaders for their group)."""
    return person.has_role(person.village_id, *MANAGERS) or (
        person.group_id is not None and person.has_role(person.village_id, Role.GROUP_LEADER))
