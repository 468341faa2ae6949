"""The family link's service: invite, ask, confirm, remove, and who is linked to a household."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from village.audit import AuditService
from village.clock import Clock
from village.errors import ConflictError, ErrorCode, InvalidInputError, NotFoundError, PermissionDeniedError
from village.family import access
from village.family.models import (
    FamilyInvite,
    FamilyLink,
    FamilyMember,
    FamilyPolicy,
    HouseholdMatch,
    LinkStatus,
    Relation,
    family_code_of,
    is_full,
    looks_like_family_code,
    new_family_code,
)
from village.joining import clean_name
from village.people import Actor, Identity, Person, PersonFields
from village.permissions import require_person
from village.places import Household
from village.roles import Role, RoleGrant, RoleSource

if TYPE_CHECKING:
    from village.ports import Store

OPEN = (LinkStatus.PENDING, LinkStatus.ACTIVE)
MATCHES_SHOWN = 8


@dataclass(frozen=True)
class OpenedInvite:
    """What a relative sees on opening a code: which household invites them."""

    invite: FamilyInvite
    household: Household


class FamilyService:
    """Family invites and links; every change is audited."""

    def __init__(self, store: Store, clock: Clock, audit: AuditService, policy: FamilyPolicy) -> None:
        self._store = store
        self._clock = clock
        self._audit = audit
        self._policy = policy

    async def create_invite(self, actor: Actor, household_id: int) -> FamilyInvite:
        """Issue a one-use code for a relative (the household head, or a cadre on their behalf)."""
        household = await self._managed(actor, household_id)
        if is_full(len(await self._store.family.links_of_household(household.id, OPEN)), self._policy):
            raise ConflictError(ErrorCode.FAMILY_FULL, limit=self._policy.max_members)
        now = self._clock.now()
        invite = await self._store.family.add_invite(new_family_code(), household.id, household.village_id,
                                                     actor.person_id, now, now + self._policy.invite_validity)
        await self._audit.record(actor, household.village_id, "family.invite", f"household:{household.id}",
                                 after={"invite_id": invite.id, "expires_at": invite.expires_at.isoformat()})
        return invite

    async def open_invite(self, identity: Identity, argument: str) -> OpenedInvite:
        """Return the household behind a `fam-<code>` argument, for an account not yet in any village."""
        if identity.person_id is not None:
            raise ConflictError(ErrorCode.FAMILY_ALREADY_JOINED)
        code = family_code_of(argument) if looks_like_family_code(argument) else None
        invite = await self._store.family.invite_by_code(code) if code else None
        if invite is None:
            raise NotFoundError(ErrorCode.FAMILY_CODE_UNKNOWN)
        if not invite.is_open(self._clock.now()):
            raise ConflictError(ErrorCode.FAMILY_CODE_EXPIRED)
        household = await self._store.places.household(invite.household_id)
        if household is None:
            raise NotFoundError(ErrorCode.FAMILY_CODE_UNKNOWN)
        return OpenedInvite(invite, household)

    async def ask(self, identity: Identity, argument: str, name: str,
                  relation: Relation) -> tuple[FamilyLink, list[Person]]:
        """File the relative's link for confirmation; return it and who may confirm it."""
        opened = await self.open_invite(identity, argument)
        cleaned = clean_name(name)
        if cleaned is None:
            raise InvalidInputError(ErrorCode.NAME_INVALID)
        if await self._store.family.pending_of_identity(identity.id) is not None:
            raise ConflictError(ErrorCode.REQUEST_PENDING)
        now = self._clock.now()
        if not await self._store.family.use_invite(opened.invite.id, now):
            raise ConflictError(ErrorCode.FAMILY_CODE_EXPIRED)
        link_id = await self._store.family.add_link(opened.invite, identity.id, cleaned, relation, now)
        link = await self._link(link_id)
        await self._audit.record(Actor(None, f"identity:{identity.id}"), link.village_id, "family.ask",
                                 f"household:{link.household_id}",
                                 after={"link_id": link.id, "name": cleaned, "relation": relation.value})
        return link, await self.askers(link.household_id)

    async def confirm(self, actor: Actor, link_id: int) -> tuple[FamilyLink, Person]:
        """Accept a pending link: the relative becomes a family member of the household."""
        link = await self._link(link_id)
        household = await self._managed(actor, link.household_id)
        if link.status is not LinkStatus.PENDING:
            raise ConflictError(ErrorCode.FAMILY_LINK_CLOSED)
        active = await self._store.family.links_of_household(household.id, (LinkStatus.ACTIVE,))
        if is_full(len(active), self._policy):
            raise ConflictError(ErrorCode.FAMILY_FULL, limit=self._policy.max_members)
        account = await self._store.identities.get(link.identity_id)
        if account is None or account.person_id is not None:  # joined the village some other way meanwhile
            raise ConflictError(ErrorCode.FAMILY_ALREADY_JOINED)
        person = await self._new_family_person(link, household)
        await self._store.identities.bind(link.identity_id, person.id)
        await self._store.family.confirm(link.id, person.id, actor.person_id, self._clock.now())
        await self._audit.record(actor, link.village_id, "family.confirm", f"household:{household.id}",
                                 before={"status": link.status.value},
                                 after={"status": LinkStatus.ACTIVE.value, "person_id": person.id})
        return await self._link(link.id), person

    async def remove(self, actor: Actor, link_id: int) -> FamilyLink:
        """End a link (declining a pending one): the household head, a cadre, or the relative leaving."""
        link = await self._link(link_id)
        leaving = actor.person_id is not None and actor.person_id == link.person_id
        if not leaving:
            await self._managed(actor, link.household_id)
        if link.status is LinkStatus.REMOVED or not await self._store.family.remove(
                link.id, link.status, actor.person_id, self._clock.now()):
            raise ConflictError(ErrorCode.FAMILY_LINK_CLOSED)
        if link.person_id is not None:
            await self._detach(link.person_id)
        await self._audit.record(actor, link.village_id, "family.leave" if leaving else "family.remove",
                                 f"household:{link.household_id}", before={"status": link.status.value},
                                 after={"status": LinkStatus.REMOVED.value, "link_id": link.id})
        return link

    async def leave(self, actor: Actor) -> FamilyLink:
        """End the acting relative's own link."""
        require_person(actor)
        assert actor.person is not None
        link = await self._store.family.active_of_person(actor.person.id)
        if link is None:
            raise NotFoundError()
        return await self.remove(actor, link.id)

    async def links(self, actor: Actor, household_id: int) -> list[FamilyLink]:
        """Return the household's pending and active links (its head, or a cadre)."""
        await self._managed(actor, household_id)
        return await self._store.family.links_of_household(household_id, OPEN)

    async def link(self, actor: Actor, link_id: int) -> FamilyLink:
        """Return one link of a household the actor manages."""
        link = await self._link(link_id)
        await self._managed(actor, link.household_id)
        return link

    async def pending_of(self, identity: Identity) -> FamilyLink | None:
        """Return the account's link still waiting for the household to confirm."""
        return await self._store.family.pending_of_identity(identity.id)

    async def link_of(self, person: Person) -> FamilyLink | None:
        """Return the active link of a family member, None for anyone else."""
        return await self._store.family.active_of_person(person.id) if person.is_family else None

    async def family_members_of(self, household_id: int) -> list[FamilyMember]:
        """Return the household's linked relatives (for the care list's messages to cadres)."""
        links = await self._store.family.links_of_household(household_id, (LinkStatus.ACTIVE,))
        return [FamilyMember(lk.id, lk.person_id, lk.name, lk.relation, lk.identity_id)
                for lk in links if lk.person_id is not None]

    async def deciders(self, household_id: int) -> list[Person]:
        """Return who confirms a link: the household's heads (every villager member when none is named)."""
        members = [m for m in await self._store.people.in_household(household_id) if not m.is_family]
        heads = [m for m in members if any(g.role is Role.HOUSEHOLD_HEAD for g in m.roles)]
        return heads or members

    async def askers(self, household_id: int) -> list[Person]:
        """Return whom to ask to confirm a link: the deciders who joined, else the village's cadres."""
        deciders = await self.deciders(household_id)
        joined = {i.person_id for i in await self._store.identities.of_people([p.id for p in deciders])}
        reachable = [p for p in deciders if p.id in joined]
        household = await self._store.places.household(household_id)
        if reachable or household is None:
            return reachable
        return await self._store.people.with_roles(household.village_id, [Role.CADRE])

    def acts_for_households(self, actor: Actor) -> bool:
        """Tell whether the actor is a cadre of their village, who may act for any of its households."""
        return actor.person is not None and access.acts_for_households(actor.person)

    async def find_households(self, actor: Actor, query: str) -> list[HouseholdMatch]:
        """Return the cadre's village's households whose number, or a member's name, contains `query`."""
        if not self.acts_for_households(actor):
            raise PermissionDeniedError()
        assert actor.person is not None
        wanted = "".join(query.split())
        if not wanted:
            raise InvalidInputError(ErrorCode.REPORT_TEXT_EMPTY)
        village_id = actor.person.village_id
        members: dict[int, list[str]] = {}
        for person in await self._store.people.in_village(village_id):
            if person.household_id is not None and not person.is_family:
                members.setdefault(person.household_id, []).append(person.name)
        return [HouseholdMatch(h.id, h.label, tuple(members.get(h.id, ())))
                for h in await self._store.places.households(village_id)
                if wanted in h.label or any(wanted in name for name in members.get(h.id, ()))][:MATCHES_SHOWN]

    async def may_manage(self, actor: Actor, household_id: int) -> bool:
        """Tell whether the actor may invite, confirm and remove for the household."""
        try:
            await self._managed(actor, household_id)
        except PermissionDeniedError:
            return False
        return True

    async def _managed(self, actor: Actor, household_id: int) -> Household:
        household = await self._store.places.household(household_id)
        if household is None:
            raise NotFoundError()
        if actor.has_role(household.village_id, Role.CADRE):
            return household
        person = actor.person
        if person is None or person.is_family or person.household_id != household.id:
            raise PermissionDeniedError()
        if person.id not in {p.id for p in await self.deciders(household.id)}:
            raise PermissionDeniedError()
        return household

    async def _link(self, link_id: int) -> FamilyLink:
        link = await self._store.family.link(link_id)
        if link is None:
            raise NotFoundError()
        return link

    async def _new_family_person(self, link: FamilyLink, household: Household) -> Person:
        """Add the relative as a person of the household's village and place, holding only the family role."""
        group = next((g for g in await self._store.places.groups(household.village_id)
                      if g.id == household.group_id), None)
        person_id = await self._store.people.add(PersonFields(
            village_id=household.village_id, name=link.name, phone=None, household_id=household.id,
            group_id=household.group_id, grid_id=group.grid_id if group else None))
        await self._store.people.grant(person_id, RoleGrant(Role.FAMILY, household.village_id, "",
                                                            RoleSource.MANUAL))
        person = await self._store.people.get(person_id)
        assert person is not None
        return person

    async def _detach(self, person_id: int) -> None:
        """Take a former relative out of the household and off every channel: they receive nothing more."""
        person = await self._store.people.get(person_id)
        if person is None:
            return
        await self._store.people.update(person.id, PersonFields(
            village_id=person.village_id, name=person.name, phone=None, household_id=None, group_id=None,
            grid_id=None))
        for identity in await self._store.identities.of_person(person.id):
            await self._store.identities.bind(identity.id, None)
            await self._store.conversations.delete(identity.id)
