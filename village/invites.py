"""Household invites (一户一码): a printed card whose code lets members join."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from village.audit import AuditService
from village.clock import Clock
from village.errors import ErrorCode, NotFoundError
from village.people import Actor
from village.permissions import require_role
from village.places import Household, Village
from village.roles import Role
from village.settings import InvitePolicy

if TYPE_CHECKING:
    from village.ports import Store

# Telegram deep-link payloads allow A-Z, a-z, 0-9, _ and - (up to 64 characters).
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
CODE_LENGTH = 12


@dataclass(frozen=True)
class Invite:
    """An invite code for one household, valid until `expires_at`."""

    id: int
    code: str
    household_id: int
    village_id: int
    expires_at: datetime

    def is_valid(self, now: datetime) -> bool:
        """Tell whether the code may still be used."""
        return now < self.expires_at


def new_invite_code() -> str:
    """Return a fresh random code that is safe in a deep link and hard to guess."""
    return "h" + "".join(secrets.choice(_ALPHABET) for _ in range(CODE_LENGTH - 1))


def looks_like_invite_code(text: str) -> bool:
    """Tell whether a /start argument has the shape of an invite code."""
    return len(text) == CODE_LENGTH and text.startswith("h") and all(c in _ALPHABET for c in text[1:])


@dataclass(frozen=True)
class InviteCard:
    """What is printed on one household's card."""

    village: Village
    group: str
    household: Household
    code: str
    expires_at: datetime


class InviteService:
    """Issue one invite per household, reusing valid codes unless asked to renew."""

    def __init__(self, store: Store, clock: Clock, audit: AuditService, policy: InvitePolicy) -> None:
        self._store = store
        self._clock = clock
        self._audit = audit
        self._policy = policy

    async def issue(self, actor: Actor, village_code: str, *, renew: bool = False) -> list[InviteCard]:
        """Return a card for every household of the village (cadres and admins)."""
        village = await self._store.places.village_by_code(village_code.upper())
        if village is None:
            raise NotFoundError(ErrorCode.UNKNOWN_VILLAGE, code=village_code)
        require_role(actor, village.id, Role.CADRE)
        groups = {g.id: g.name for g in await self._store.places.groups(village.id)}
        now = self._clock.now()
        cards, issued = [], 0
        for household in await self._store.places.households(village.id):
            invite = None if renew else await self._store.invites.valid_for_household(household.id, now)
            if invite is None:
                invite = await self._store.invites.add(
                    new_invite_code(), household.id, village.id, now + self._policy.validity)
                issued += 1
            cards.append(InviteCard(village, groups.get(household.group_id, ""), household, invite.code,
                                    invite.expires_at))
        await self._audit.record(actor, village.id, "invites.issue", f"village:{village.code}",
                                 after={"households": len(cards), "new_codes": issued})
        return cards
