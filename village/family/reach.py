"""Who else receives a household's messages: its linked relatives, marked as reading for the household.

Every message to people goes through one place (handlers.context.Notifier), which asks this module to
expand its recipients, so each feature's messages reach the family without a copy of this rule per feature.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from village.family.models import FamilyLink
from village.outbox import MessageKind
from village.people import Identity
from village.roles import Role

if TYPE_CHECKING:
    from village.ports import Store

# Whether a household's relatives also receive a message of this kind sent to a member of the household.
# Staff work (assignments, escalations, digests) and a person's own account matters stay with that person.
FOR_HOUSEHOLD: Mapping[MessageKind, bool] = {
    MessageKind.REPORT_ASSIGNED: False,
    MessageKind.REPORT_STATUS_CHANGED: True,
    MessageKind.REPORT_FILED_FOR: True,
    MessageKind.REPORT_ALERT: False,
    MessageKind.REPORT_RATING_NOTE: False,
    MessageKind.REPORT_REMINDER: False,
    MessageKind.REPORT_ESCALATED: False,
    MessageKind.REPORT_FEEDBACK_REQUESTED: True,
    MessageKind.SCORE_PUBLISHED: True,
    MessageKind.SCORE_REVISED: True,
    MessageKind.ASSESSMENT_REMINDER: False,
    MessageKind.REWARD_NOTICE: True,
    MessageKind.APPEAL_FILED: False,
    MessageKind.APPEAL_DECIDED: True,
    MessageKind.RECTIFICATION_REPORTED: False,
    MessageKind.RECTIFICATION_INSPECTED: True,
    MessageKind.MEETING_ANNOUNCED: True,
    MessageKind.MEETING_REMINDER: True,
    MessageKind.MEETING_MOVED: True,
    MessageKind.MEETING_CANCELLED: True,
    MessageKind.MEETING_WAITLIST_PROMOTED: True,
    MessageKind.TOPIC_THRESHOLD: False,
    MessageKind.TOPIC_SCHEDULED: True,
    MessageKind.TOPIC_DECLINED: True,
    MessageKind.TOPIC_OUTCOME: True,
    MessageKind.RESOLUTION_DISCLOSED: True,
    MessageKind.RESULT_DISCLOSED: True,
    MessageKind.MATTER_STAGE_DISCLOSED: True,
    MessageKind.NOTICE_BROADCAST: True,
    MessageKind.DIGEST_MONTHLY: False,
    MessageKind.JOIN_REQUESTED: False,
    MessageKind.JOIN_APPROVED: False,
    MessageKind.JOIN_REJECTED: False,
    MessageKind.CONVERSATION_EXPIRED: False,
    MessageKind.REPLY_FALLBACK: False,
    MessageKind.PARKED_SUMMARY: False,  # a channel's own summary of one identity's parked messages
    MessageKind.UNCLASSIFIED: False,
    MessageKind.CARE_VISITS_DUE: False,  # staff work: to the grid worker
    MessageKind.CARE_VISIT_OVERDUE: False,
    MessageKind.CARE_VISIT_FLAGGED: False,
}


@dataclass(frozen=True)
class Recipient:
    """One account a message goes to; `household` names the household a relative reads it for."""

    identity: Identity
    household: str | None = None


class FamilyReach:
    """Expands a message's recipients with the linked relatives of the households it reaches."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def recipients(self, identities: Sequence[Identity], kind: MessageKind) -> list[Recipient]:
        """Return the recipients: `identities` (relatives among them marked), then relatives to add."""
        person_ids = sorted({i.person_id for i in identities if i.person_id is not None})
        reaching = await self._store.family.reaching(person_ids) if person_ids else []
        if not reaching:
            return [Recipient(i) for i in identities]
        names = {hh: await self.household_name(hh) for hh in {link.household_id for _, link in reaching}}
        relatives = {link.person_id: names[link.household_id] for _, link in reaching}
        found = [Recipient(i, relatives.get(i.person_id)) for i in identities]
        if FOR_HOUSEHOLD[kind]:
            found += await self._added(identities, reaching, relatives, names)
        return found

    async def _added(self, identities: Sequence[Identity], reaching: Sequence[tuple[int, FamilyLink]],
                     relatives: Mapping[int | None, str], names: Mapping[int, str]) -> list[Recipient]:
        """Return the relatives of households whose villager members receive the message, once each."""
        household_of = {link.person_id: link.household_id for _, link in reaching if link.person_id}
        to_add = sorted({link.person_id for member, link in reaching
                         if member not in relatives and link.person_id is not None})
        seen = {i.id for i in identities}
        added = []
        for identity in await self._store.identities.of_people(to_add):
            if identity.id not in seen and identity.person_id in household_of:
                seen.add(identity.id)
                added.append(Recipient(identity, names[household_of[identity.person_id]]))
        return added

    async def household_name(self, household_id: int) -> str:
        """Return what the household is called: its head's name (张三 for 张三家), else its roster label."""
        members = [m for m in await self._store.people.in_household(household_id) if not m.is_family]
        heads = [m for m in members if any(g.role is Role.HOUSEHOLD_HEAD for g in m.roles)] or members
        if heads:
            return heads[0].name
        household = await self._store.places.household(household_id)
        return household.label if household else ""
