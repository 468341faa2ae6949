"""Roles a person can hold in a village, and their Chinese names."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """What a person may do; stored by value."""

    RESIDENT = "resident"
    HOUSEHOLD_HEAD = "household_head"
    REPRESENTATIVE = "representative"
    GROUP_LEADER = "group_leader"
    GRID_WORKER = "grid_worker"
    CADRE = "cadre"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    # A relative linked to a household (亲情代办): acts with that household's resident rights only.
    FAMILY = "family"


# Roster files written by village staff often use the Chinese names.
ROLE_ALIASES: dict[str, Role] = {
    "村民": Role.RESIDENT,
    "户主": Role.HOUSEHOLD_HEAD,
    "村民代表": Role.REPRESENTATIVE,
    "村民小组长": Role.GROUP_LEADER,
    "宅基长": Role.GROUP_LEADER,
    "小组长": Role.GROUP_LEADER,
    "网格员": Role.GRID_WORKER,
    "村干部": Role.CADRE,
    "监督委员": Role.SUPERVISOR,
    "村务监督委员会委员": Role.SUPERVISOR,
    "管理员": Role.ADMIN,
}

# Titles that make a cadre the village secretary, who receives escalations.
SECRETARY_TITLES = frozenset({"secretary", "书记", "党总支书记", "党支部书记"})

# Roles that do not need a household in the roster: staff may live elsewhere.
STAFF_ROLES = frozenset({Role.GRID_WORKER, Role.CADRE, Role.SUPERVISOR, Role.ADMIN})


class RoleSource(StrEnum):
    """Where a role grant came from: re-importing a roster replaces only its own grants."""

    ROSTER = "roster"
    MANUAL = "manual"


@dataclass(frozen=True)
class RoleGrant:
    """One role held by a person; `village_id` None means every village (admins)."""

    role: Role
    village_id: int | None
    title: str = ""
    source: RoleSource = RoleSource.ROSTER

    @property
    def is_secretary(self) -> bool:
        """Tell whether this is a cadre grant with a secretary title."""
        return self.role is Role.CADRE and self.title.strip().lower() in SECRETARY_TITLES


def parse_role(token: str) -> RoleGrant:
    """Parse one roster role token such as `cadre:书记` or `户主` (village left unset).

    Raises:
        ValueError: the token names no known role.
    """
    name, _, title = token.strip().partition(":")
    name = name.strip()
    role = ROLE_ALIASES.get(name)
    if role is None:
        try:
            role = Role(name.lower())
        except ValueError:
            raise ValueError(name) from None
    return RoleGrant(role=role, village_id=None, title=title.strip())
