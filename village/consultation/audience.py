"""Meetings as an audience for notices: a cadre can write to everyone signed up for a meeting."""

from __future__ import annotations

from collections.abc import Sequence

from village.consultation.meetings import MeetingStatus
from village.consultation.planning import MeetingService
from village.notices import MeetingChoice
from village.people import Actor

_NOT_ADDRESSABLE = (MeetingStatus.DRAFT, MeetingStatus.CANCELLED)


class MeetingSignUps:
    """Implements `village.notices.MeetingAudience` over the meetings service (permissions included)."""

    def __init__(self, meetings: MeetingService) -> None:
        self._meetings = meetings

    async def meeting_choices(self, actor: Actor, village_id: int) -> Sequence[MeetingChoice]:
        """Return the village's meetings open to sign-up or already held, upcoming first; not drafts or cancelled."""
        listings = [*await self._meetings.upcoming(actor), *await self._meetings.past(actor)]
        return [MeetingChoice(item.meeting.id, item.meeting.title, item.meeting.starts_at) for item in listings
                if item.meeting.village_id == village_id and item.meeting.status not in _NOT_ADDRESSABLE]

    async def signed_up_people(self, actor: Actor, meeting_id: int) -> Sequence[int]:
        """Return the people with a confirmed seat (cadres and supervisors of the village only)."""
        return await self._meetings.signed_up_people(actor, meeting_id)
