"""Who a joined person is: their household, roles and language, and role grants by operators."""

from __future__ import annotations

from dataclasses import dataclass

from village.audit import AuditService
from village.errors import ConflictError, ErrorCode, InvalidInputError, NotFoundError, VillageError
from village.people import Actor, Identity, Person
from village.permissions import require_admin
from village.phones import normalise_phone
from village.places import Household, Village
from village.ports import Store
from village.roles import Role, RoleGrant, RoleSource, parse_role
from village.settings import Locale

LOCALES: tuple[Locale, ...] = ("zh_CN", "en")


@dataclass(frozen=True)
class Profile:
    """What a member sees about themselves."""

    person: Person
    village: Village
    household: Household | None
    household_members: tuple[Person, ...]


class MembershipService:
    """Profiles, language choice, and granting or revoking roles."""

    def __init__(self, store: Store, audit: AuditService) -> None:
        self._store = store
        self._audit = audit

    async def profile(self, person: Person) -> Profile:
        """Return the person's village, household and fellow members."""
        village = await self._store.places.village(person.village_id)
        if village is None:
            raise NotFoundError()
        household = await self._store.places.household(person.household_id) if person.household_id else None
        members = await self._store.people.in_household(household.id) if household else []
        return Profile(person, village, household, tuple(members))

    async def set_locale(self, identity: Identity, locale: str) -> None:
        """Store the language this identity reads."""
        if locale not in LOCALES:
            raise InvalidInputError(field="locale")
        await self._store.identities.set_locale(identity.id, locale)

    async def villages(self) -> list[Village]:
        """Return every village, for someone choosing where they live."""
        return await self._store.places.villages()

    async def grant(self, actor: Actor, phone: str, role: str, village_code: str | None) -> Person:
        """Give the person with `phone` a role; admin without a village means every village."""
        person, grant = await self._resolve(actor, phone, role, village_code)
        if person.is_family or grant.role is Role.FAMILY:  # a relative acts for a household, never in a role
            raise ConflictError(ErrorCode.FAMILY_NO_ROLES)
        if await self._store.people.grant(person.id, grant):
            await self._audit.record(actor, grant.village_id, "role.grant", f"person:{person.id}",
                                     after={"role": grant.role.value, "title": grant.title})
        return person

    async def revoke(self, actor: Actor, phone: str, role: str, village_code: str | None) -> Person:
        """Take a role away, whether it came from the roster or an earlier grant."""
        person, grant = await self._resolve(actor, phone, role, village_code)
        if not await self._store.people.revoke(person.id, grant):
            raise VillageError(ErrorCode.CONFLICT)
        await self._audit.record(actor, grant.village_id, "role.revoke", f"person:{person.id}",
                                 before={"role": grant.role.value})
        return person

    async def _resolve(self, actor: Actor, phone: str, role: str, village_code: str | None) -> tuple[Person, RoleGrant]:
        require_admin(actor)
        try:
            parsed = parse_role(role)
        except ValueError:
            raise InvalidInputError(ErrorCode.UNKNOWN_ROLE, value=role) from None
        try:
            person = await self._store.people.by_phone(normalise_phone(phone))
        except ValueError:
            raise InvalidInputError(field="phone", value=phone) from None
        if person is None:
            raise NotFoundError(ErrorCode.UNKNOWN_PERSON, phone=phone)
        village_id = await self._village_id(parsed.role, village_code, person)
        return person, RoleGrant(parsed.role, village_id, parsed.title, RoleSource.MANUAL)

    async def _village_id(self, role: Role, village_code: str | None, person: Person) -> int | None:
        if village_code is None:
            return None if role is Role.ADMIN else person.village_id
        village = await self._store.places.village_by_code(village_code.upper())
        if village is None:
            raise NotFoundError(ErrorCode.UNKNOWN_VILLAGE, code=village_code)
        return village.id
