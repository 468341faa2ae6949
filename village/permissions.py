"""Permission rules, checked on every service call from roles read in the same transaction."""

from __future__ import annotations

from village.errors import NotBoundError, PermissionDeniedError
from village.people import Actor
from village.roles import Role

# Who manages joining and the roster within a village.
MANAGERS = (Role.CADRE,)
# Who may read everything in a village.
READERS = (Role.CADRE, Role.SUPERVISOR)


def require_role(actor: Actor, village_id: int, *roles: Role) -> None:
    """Refuse unless the actor holds one of `roles` in the village (operators and admins pass)."""
    if not actor.has_role(village_id, *roles):
        raise PermissionDeniedError()


def require_member(actor: Actor, village_id: int) -> None:
    """Refuse unless the actor belongs to the village, or administers it."""
    if actor.person is None:
        return
    if actor.person.village_id != village_id and not actor.has_role(village_id, Role.ADMIN):
        raise PermissionDeniedError()


def require_admin(actor: Actor) -> None:
    """Refuse unless the actor administers every village (operators do)."""
    if actor.person is not None and not actor.person.is_admin:
        raise PermissionDeniedError()


def require_person(actor: Actor) -> None:
    """Refuse an actor who has not joined (an operator is never a person)."""
    if actor.person is None:
        raise NotBoundError()
