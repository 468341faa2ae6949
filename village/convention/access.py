"""Who may do what with the convention, checked from roles read in the same transaction."""

from __future__ import annotations

from village.errors import ErrorCode, NotBoundError, PermissionDeniedError
from village.people import Actor, Person
from village.places import Group, Household
from village.roles import Role


def can_assess(actor: Actor, group: Group) -> bool:
    """Tell whether the actor assesses this group: its village's cadres, or the group's own leader."""
    if actor.has_role(group.village_id, Role.CADRE):
        return True
    person = actor.person
    return (person is not None and person.village_id == group.village_id and person.group_id == group.id
            and person.has_role(group.village_id, Role.GROUP_LEADER))


def require_assessor(actor: Actor, group: Group) -> None:
    """Refuse unless the actor may assess this group."""
    if not can_assess(actor, group):
        raise PermissionDeniedError()


def require_not_own_household(actor: Actor, household: Household) -> None:
    """Refuse anyone acting on their own household (回避): assessing or publishing it, re-inspecting its
    rectification, deciding its appeal. Another cadre must; the audit log stays as it is."""
    person = actor.person
    if person is not None and person.household_id == household.id:
        raise PermissionDeniedError(ErrorCode.OWN_HOUSEHOLD, household=household.label)


def can_see_board(actor: Actor, group: Group) -> bool:
    """Tell whether the actor may see the group's board: its members, or the village's cadres and supervisors."""
    if actor.has_role(group.village_id, Role.CADRE, Role.SUPERVISOR):
        return True
    person = actor.person
    return person is not None and person.village_id == group.village_id and person.group_id == group.id


def has_household(person: Person) -> bool:
    """Tell whether the person belongs to a household, so has a score to see."""
    return person.household_id is not None


def has_a_board(person: Person) -> bool:
    """Tell whether some group board is the person's to see: their group's, or any for staff."""
    return person.group_id is not None or person.has_role(person.village_id, Role.CADRE, Role.SUPERVISOR)


def require_board_viewer(actor: Actor, group: Group) -> None:
    """Refuse a person outside the group (and not staff of its village)."""
    if not can_see_board(actor, group):
        raise PermissionDeniedError()


def member_household(actor: Actor) -> tuple[Person, int]:
    """Return the acting person and their household; refuse someone without one."""
    person = actor.person
    if person is None:
        raise NotBoundError()
    if person.household_id is None:
        raise PermissionDeniedError(ErrorCode.CONVENTION_NO_HOUSEHOLD)
    return person, person.household_id


def require_household_member(actor: Actor, household_id: int) -> Person:
    """Refuse unless the actor belongs to this household: residents see only their own."""
    person, own = member_household(actor)
    if own != household_id:
        raise PermissionDeniedError()
    return person


def acting_village(actor: Actor) -> int:
    """Return the village the acting person belongs to (chat actions are always within it)."""
    if actor.person is None:
        raise NotBoundError()
    return actor.person.village_id
