"""Join requests from people the roster does not know, decided by that village's cadres."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from village.audit import AuditService
from village.clock import Clock
from village.errors import ConflictError, ErrorCode, InvalidInputError, NotFoundError, PermissionDeniedError
from village.invites import Invite, looks_like_invite_code
from village.people import Actor, Identity, Person, PersonFields
from village.permissions import MANAGERS, require_role
from village.phones import normalise_phone
from village.places import Household, Village
from village.roles import Role, RoleGrant, RoleSource

if TYPE_CHECKING:
    from village.ports import Store


class RequestStatus(StrEnum):
    """A join request's outcome."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True)
class JoinRequest:
    """Somebody asked to join a village under a name; a cadre decides."""

    id: int
    identity_id: int
    village_id: int
    name: str
    phone: str | None
    status: RequestStatus
    created_at: datetime
    decided_by: int | None = None
    person_id: int | None = None


MAX_NAME_LENGTH = 20


def clean_name(raw: str) -> str | None:
    """Return a plausible person name from typed text, or None when it is not one."""
    name = " ".join(raw.split())
    if not name or len(name) > MAX_NAME_LENGTH or name.startswith("/"):
        return None
    if any(not (ch.isalpha() or ch in " ·.-") for ch in name):
        return None
    return name


@dataclass(frozen=True)
class HouseholdInvitation:
    """What an invite opener sees: the household and which members may still join."""

    invite: Invite
    household: Household
    village: Village
    open_members: tuple[Person, ...]


class JoiningService:
    """Binding a channel identity to a roster person: by contact, invite or a cadre's approval."""

    def __init__(self, store: Store, clock: Clock, audit: AuditService) -> None:
        self._store = store
        self._clock = clock
        self._audit = audit

    async def join_by_contact(self, identity: Identity, phone: str, *, is_own: bool) -> Person | None:
        """Bind the identity to the roster person with this phone; None when nobody matches.

        Raises:
            VillageError: the contact is someone else's (forwarded), or not a phone number.
        """
        if not is_own:
            raise PermissionDeniedError(ErrorCode.CONTACT_NOT_OWN)
        try:
            normal = normalise_phone(phone)
        except ValueError:
            raise InvalidInputError(field="phone") from None
        person = await self._store.people.by_phone(normal)
        if person is not None:
            await self._bind(identity, person)
        return person

    async def open_invite(self, code: str, channel: str | None = None) -> HouseholdInvitation:
        """Return the household behind an invite code and its members not yet on `channel` (None: on any).

        Someone who joined on Telegram is offered again on WeChat: picking themselves there adds the
        second account to the same person (one person, two identities).

        Raises:
            VillageError: unknown or expired code; every member already joined.
        """
        invite = await self._store.invites.by_code(code) if looks_like_invite_code(code) else None
        if invite is None:
            raise NotFoundError(ErrorCode.INVITE_UNKNOWN)
        if not invite.is_valid(self._clock.now()):
            raise ConflictError(ErrorCode.INVITE_EXPIRED)
        household = await self._store.places.household(invite.household_id)
        village = await self._store.places.village(invite.village_id)
        if household is None or village is None:
            raise NotFoundError(ErrorCode.INVITE_UNKNOWN)
        members = await self._store.people.in_household(household.id)
        bound = {i.person_id for i in await self._store.identities.of_people([m.id for m in members])
                 if channel is None or i.channel == channel}
        open_members = tuple(m for m in members if m.id not in bound)
        if not open_members:
            raise ConflictError(ErrorCode.HOUSEHOLD_FULL)
        return HouseholdInvitation(invite, household, village, open_members)

    async def join_by_invite(self, identity: Identity, code: str, person_id: int) -> Person:
        """Bind the identity to one member of the invite's household (checked again here)."""
        invitation = await self.open_invite(code, identity.channel)
        chosen = next((m for m in invitation.open_members if m.id == person_id), None)
        if chosen is None:
            raise ConflictError(ErrorCode.MEMBER_ALREADY_BOUND)
        await self._bind(identity, chosen)
        return chosen

    async def request_to_join(
        self, identity: Identity, village_id: int, name: str, phone: str | None
    ) -> tuple[JoinRequest, list[Person]]:
        """File a request to join a village; return it and the cadres who should decide."""
        if identity.person_id is not None:
            raise ConflictError()
        if await self._store.join_requests.pending_of_identity(identity.id) is not None:
            raise ConflictError(ErrorCode.REQUEST_PENDING)
        cleaned = clean_name(name)
        if cleaned is None:
            raise InvalidInputError(ErrorCode.NAME_INVALID)
        if await self._store.places.village(village_id) is None:
            raise NotFoundError()
        if phone is not None and await self._store.people.by_phone(phone) is not None:
            raise ConflictError()  # someone on the roster has it: they join by contact instead
        request_id = await self._store.join_requests.add(identity.id, village_id, cleaned, phone, self._clock.now())
        request = await self._store.join_requests.get(request_id)
        assert request is not None
        return request, await self._store.people.with_roles(village_id, [Role.CADRE])

    async def pending(self, actor: Actor, village_id: int) -> list[JoinRequest]:
        """Return the village's undecided requests (cadres)."""
        require_role(actor, village_id, *MANAGERS)
        return await self._store.join_requests.pending_in_village(village_id)

    async def approve(self, actor: Actor, request_id: int) -> tuple[JoinRequest, Person]:
        """Admit the requester and bind them: to the roster person with their phone if one was imported
        since they asked, else to a new resident of the village.

        Raises:
            VillageError: the phone now belongs to someone of another village, or to someone who joined already.
        """
        request = await self._undecided(actor, request_id)
        identity = await self._store.identities.get(request.identity_id)
        assert identity is not None
        person = await self._roster_person(request, identity) or await self._new_resident(request)
        await self._bind(identity, person)
        await self._decide(actor, request, RequestStatus.APPROVED, person.id)
        return request, person

    async def _roster_person(self, request: JoinRequest, identity: Identity) -> Person | None:
        """Return the roster person with the request's phone (imported after the request), if any."""
        person = await self._store.people.by_phone(request.phone) if request.phone else None
        if person is None:
            return None
        if person.village_id != request.village_id:
            raise ConflictError(ErrorCode.REQUEST_PHONE_ELSEWHERE)
        if any(other.channel == identity.channel and other.id != identity.id
               for other in await self._store.identities.of_person(person.id)):
            raise ConflictError(ErrorCode.REQUEST_PERSON_JOINED, name=person.name)
        return person

    async def _new_resident(self, request: JoinRequest) -> Person:
        person_id = await self._store.people.add(PersonFields(
            village_id=request.village_id, name=request.name, phone=request.phone,
            household_id=None, group_id=None, grid_id=None,
        ))
        await self._store.people.grant(person_id, RoleGrant(Role.RESIDENT, request.village_id, "", RoleSource.MANUAL))
        person = await self._store.people.get(person_id)
        assert person is not None
        return person

    async def reject(self, actor: Actor, request_id: int) -> JoinRequest:
        """Turn the request down."""
        request = await self._undecided(actor, request_id)
        await self._decide(actor, request, RequestStatus.REJECTED, None)
        return request

    async def leave(self, identity: Identity) -> None:
        """Unbind the identity from its person; its conversation ends too."""
        await self._store.identities.bind(identity.id, None)
        await self._store.conversations.delete(identity.id)

    async def _undecided(self, actor: Actor, request_id: int) -> JoinRequest:
        request = await self._store.join_requests.get(request_id)
        if request is None:
            raise NotFoundError()
        require_role(actor, request.village_id, *MANAGERS)
        if request.status is not RequestStatus.PENDING:
            raise ConflictError(ErrorCode.REQUEST_ALREADY_DECIDED)
        return request

    async def _decide(self, actor: Actor, request: JoinRequest, status: RequestStatus, person_id: int | None) -> None:
        await self._store.join_requests.decide(request.id, status, actor.person_id, person_id, self._clock.now())
        await self._audit.record(
            actor, request.village_id, f"join_request.{status.value}", f"join_request:{request.id}",
            before={"status": request.status.value}, after={"status": status.value, "person_id": person_id},
        )

    async def _bind(self, identity: Identity, person: Person) -> None:
        """Bind, replacing the person's earlier account on the same channel."""
        for other in await self._store.identities.of_person(person.id):
            if other.channel == identity.channel and other.id != identity.id:
                await self._store.identities.bind(other.id, None)
        await self._store.identities.bind(identity.id, person.id)
        await self._store.identities.set_unreachable(identity.id, None)
