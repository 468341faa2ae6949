"""Who sees and changes the care list.

- The village's cadres and supervisors see the whole list; a grid worker sees the people of their own
  grid. Residents see nothing of it, whatever button data they send.
- Cadres put people on the list, change and remove them (admins and operators too).
- A visit is logged by the grid worker of the person's grid, or a cadre; a patrol by any grid worker or cadre.
"""

from __future__ import annotations

from village.people import Actor
from village.permissions import READERS
from village.roles import Role

# Who may open the care list at all (a grid worker then sees only their grid).
LIST_ROLES = (Role.CADRE, Role.SUPERVISOR, Role.GRID_WORKER)
# Who may log a visit or a patrol.
VISITORS = (Role.CADRE, Role.GRID_WORKER)


def sees_list(actor: Actor, village_id: int) -> bool:
    """Tell whether the actor may open the village's care list."""
    return actor.has_role(village_id, *LIST_ROLES)


def sees_person(actor: Actor, village_id: int, grid_id: int | None) -> bool:
    """Tell whether the actor may see a person of the list living in `grid_id`."""
    if actor.has_role(village_id, *READERS):
        return True
    person = actor.person
    return (person is not None and person.has_role(village_id, Role.GRID_WORKER)
            and grid_id is not None and person.grid_id == grid_id)


def manages(actor: Actor, village_id: int) -> bool:
    """Tell whether the actor may put people on the list, change or remove them."""
    return actor.has_role(village_id, Role.CADRE)


def may_visit(actor: Actor, village_id: int, grid_id: int | None) -> bool:
    """Tell whether the actor may log a visit to a person living in `grid_id`."""
    if actor.has_role(village_id, Role.CADRE):
        return True
    return sees_person(actor, village_id, grid_id) and actor.has_role(village_id, Role.GRID_WORKER)
