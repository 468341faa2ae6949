"""People and their channel identities (who is who, across Telegram and later WeChat)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from village.roles import Role, RoleGrant


@dataclass(frozen=True)
class Person:
    """A member of a village as the roster (or a cadre's approval) knows them."""

    id: int
    village_id: int
    name: str
    phone: str | None
    household_id: int | None = None
    group_id: int | None = None
    grid_id: int | None = None
    roles: tuple[RoleGrant, ...] = field(default=())

    def has_role(self, village_id: int, *roles: Role) -> bool:
        """Tell whether the person holds any of `roles` in `village_id` (admins hold all)."""
        for grant in self.roles:
            if grant.role is Role.ADMIN and grant.village_id in (None, village_id):
                return True
            if grant.role in roles and grant.village_id in (None, village_id):
                return True
        return False

    def role_names(self) -> tuple[Role, ...]:
        """Return the roles held, without scope, in a stable order."""
        return tuple(sorted({grant.role for grant in self.roles}, key=list(Role).index))

    @property
    def is_family(self) -> bool:
        """Tell whether the person is a relative linked to their household (亲情代办), not a villager."""
        return any(g.role is Role.FAMILY for g in self.roles)

    @property
    def is_admin(self) -> bool:
        """Tell whether the person administers every village."""
        return any(g.role is Role.ADMIN and g.village_id is None for g in self.roles)


class PersonFields(NamedTuple):
    """The roster's facts about a person, for adding or updating (a tuple: a district's roster makes 300,000)."""

    village_id: int
    name: str
    phone: str | None
    household_id: int | None
    group_id: int | None
    grid_id: int | None


@dataclass(frozen=True)
class Identity:
    """A person's account on one channel; unbound until they join."""

    id: int
    channel: str
    external_id: str
    chat_ref: str
    person_id: int | None
    locale: str | None
    display_name: str = ""
    unreachable_since: datetime | None = None
    last_seen: datetime | None = None  # the last time the person wrote from this account


@dataclass(frozen=True)
class Actor:
    """Who is acting: a person, or an operator at the command line (audited by label)."""

    person: Person | None
    label: str

    @classmethod
    def of(cls, person: Person) -> Actor:
        """Act as `person`; a linked relative acts for their household, and the audit log says so."""
        if person.is_family:
            return cls(person=person, label=f"person:{person.id}>household:{person.household_id}")
        return cls(person=person, label=f"person:{person.id}")

    @classmethod
    def operator(cls, name: str) -> Actor:
        """Act as a command-line operator, who has the admin's powers."""
        return cls(person=None, label=f"cli:{name}")

    @property
    def person_id(self) -> int | None:
        """Return the acting person's id, None for an operator."""
        return self.person.id if self.person else None

    def has_role(self, village_id: int, *roles: Role) -> bool:
        """Tell whether the actor holds any of `roles` there; operators hold every role."""
        return self.person is None or self.person.has_role(village_id, *roles)


def people_with_role(people: Iterable[Person], village_id: int, *roles: Role) -> list[Person]:
    """Return those of `people` holding one of `roles` in the village, admins excluded."""
    return [
        p for p in people if any(g.role in roles and g.village_id == village_id for g in p.roles)
    ]
