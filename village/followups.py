"""The cadres' follow-up list (待联系): important messages that could not reach a person, for a call or a visit.

A channel that cannot deliver keeps the message (parked, for the person's next message) or gives up
(failed, or blocked: the person blocked the bot or unfollowed). For an important message that is not
enough: someone should phone or visit. The rule of what counts is `follow_up_reason`; the list groups
what is due per person; a cadre marks a person 已联系 (audited), and an item leaves by itself once
the message is delivered after all (the person wrote again).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from village.audit import AuditService
from village.clock import Clock
from village.errors import NotFoundError, PermissionDeniedError
from village.outbox import MessageKind, OutboxStatus
from village.people import Actor
from village.permissions import READERS, require_person
from village.roles import Role

if TYPE_CHECKING:
    from village.ports import Store

# Who may mark a person as contacted: a write, so not the supervisors, who only read.
MARKERS = (Role.CADRE,)
# The statuses that may put a message on the list; `sent` and the ones still on their way never do.
UNDELIVERED = (OutboxStatus.PARKED, OutboxStatus.FAILED, OutboxStatus.BLOCKED)


class FollowUpReason(StrEnum):
    """Why a message needs a person to follow up."""

    UNREACHABLE = "unreachable"  # the account cannot be reached at all: blocked the bot, unfollowed
    FAILED = "failed"  # the channel refused it for good
    WAITING = "waiting"  # kept for the person's next message, and they have not written for too long
    NOT_JOINED = "not_joined"  # on the roster with no account on any channel: nothing could be queued


@dataclass(frozen=True)
class Undelivered:
    """One message not delivered, as the rule sees it (from the outbox and the person's account).

    `status` None: the person had no account, so nothing was queued (`message_id` then numbers the
    record of that, not an outbox row).
    """

    message_id: int
    person_id: int
    kind: MessageKind
    important: bool
    status: OutboxStatus | None
    since: datetime  # when it was parked or given up
    unreachable: bool  # the account is marked unreachable (blocked, unfollowed)
    delivered_elsewhere: bool = False  # the same message reached another of the person's accounts


def follow_up_reason(item: Undelivered, now: datetime, after: timedelta) -> FollowUpReason | None:
    """Return why a cadre should follow the message up, or None when it needs nobody.

    Only important messages count, and none the person received on another account. An account that
    cannot be reached puts it on the list at once; a message merely waiting for the person's next
    message only after `after` (they may well write tomorrow).
    """
    if not item.important or item.delivered_elsewhere:
        return None
    if item.status is None:
        return FollowUpReason.NOT_JOINED
    if item.status not in UNDELIVERED:
        return None
    if item.unreachable or item.status is OutboxStatus.BLOCKED:
        return FollowUpReason.UNREACHABLE
    if item.status is OutboxStatus.FAILED:
        return FollowUpReason.FAILED
    return FollowUpReason.WAITING if now - item.since >= after else None


@dataclass(frozen=True)
class Addressee:
    """Who a message was for, as the roster knows them: what a cadre needs to call or visit."""

    person_id: int
    name: str
    household: str | None
    phone: str | None


@dataclass(frozen=True)
class MissedMessage:
    """One message on the list and why."""

    message_id: int
    kind: MessageKind
    reason: FollowUpReason
    since: datetime

    @property
    def queued(self) -> bool:
        """Tell whether it is an outbox row (else a record that the person had no account)."""
        return self.reason is not FollowUpReason.NOT_JOINED


@dataclass(frozen=True)
class FollowUp:
    """A person on the list with the messages that did not reach them, oldest first."""

    person: Addressee
    messages: tuple[MissedMessage, ...]

    @property
    def since(self) -> datetime:
        """Return when the oldest message was given up or parked."""
        return self.messages[0].since


def follow_ups(candidates: Sequence[tuple[Addressee, Undelivered]], now: datetime,
               after: timedelta) -> list[FollowUp]:
    """Group the messages the rule keeps by person; the person waiting longest first."""
    found: dict[int, tuple[Addressee, list[MissedMessage]]] = {}
    for person, item in candidates:
        reason = follow_up_reason(item, now, after)
        if reason is not None:
            found.setdefault(person.person_id, (person, []))[1].append(
                MissedMessage(item.message_id, item.kind, reason, item.since))
    listed = [FollowUp(person, tuple(sorted(missed, key=lambda m: (m.since, m.message_id))))
              for person, missed in found.values()]
    return sorted(listed, key=lambda f: (f.since, f.person.person_id))


class FollowUpService:
    """The list per village; only its cadres and supervisors see it, only cadres mark it."""

    def __init__(self, store: Store, clock: Clock, audit: AuditService, after: timedelta) -> None:
        self._store = store
        self._clock = clock
        self._audit = audit
        self._after = after

    def may_mark(self, actor: Actor) -> bool:
        """Tell whether the actor may mark people as contacted in their village."""
        return actor.person is not None and actor.has_role(actor.person.village_id, *MARKERS)

    async def entries(self, actor: Actor) -> list[FollowUp]:
        """Return the actor's village's list; refuse anyone but its cadres and supervisors."""
        village_id = self._village_of(actor)
        return await self.of_village(village_id)

    async def of_village(self, village_id: int, person_id: int | None = None) -> list[FollowUp]:
        """Return a village's list (for the digest: no actor), or one person's entry in it."""
        candidates = await self._store.follow_ups.candidates(village_id, person_id)
        return follow_ups(candidates, self._clock.now(), self._after)

    async def mark_contacted(self, actor: Actor, person_id: int) -> FollowUp:
        """Record that a cadre reached the person: their messages leave the list; audited."""
        village_id = self._village_of(actor)
        if not actor.has_role(village_id, *MARKERS):
            raise PermissionDeniedError()
        listed = await self.of_village(village_id, person_id)
        if not listed:  # someone else's village, or already marked, or delivered meanwhile
            raise NotFoundError()
        entry = listed[0]
        queued = [m.message_id for m in entry.messages if m.queued]
        unqueued = [m.message_id for m in entry.messages if not m.queued]
        await self._store.follow_ups.mark_contacted(queued, unqueued, self._clock.now())
        await self._audit.record(actor, village_id, "follow_up.contacted", f"person:{person_id}",
                                 after={"messages": queued, "unqueued": unqueued,
                                        "kinds": [m.kind.value for m in entry.messages]})
        return entry

    async def note_unreached(self, person_ids: Sequence[int], key: str, kind: MessageKind) -> None:
        """Record an important message for people with no account at all, keyed `key>p<person>` (idempotent)."""
        if person_ids:
            await self._store.follow_ups.add_unreached(person_ids, key, kind, self._clock.now())

    def _village_of(self, actor: Actor) -> int:
        require_person(actor)
        assert actor.person is not None
        village_id = actor.person.village_id
        if not actor.has_role(village_id, *READERS):
            raise PermissionDeniedError()
        return village_id
