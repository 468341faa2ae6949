"""Who may act for households in the family link: a household's own members, and the village's cadres."""

from __future__ import annotations

from village.people import Person
from village.roles import Role


def acts_for_households(person: Person) -> bool:
    """Tell whether the person is a cadre of their village, who may act for any of its households."""
    return not person.is_family and person.has_role(person.village_id, Role.CADRE)


def has_family_screen(person: Person) -> bool:
    """Tell whether the family link's screen is of use: a household of their own, or a cadre's picker."""
    return person.household_id is not None or acts_for_households(person)
