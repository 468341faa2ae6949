"""Meetings, and the people within a meeting's scope."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Select

from storage.repository import Repository, new_id
from storage.tables import meetings, people
from village.consultation.levels import MeetingLevel, VenueType
from village.consultation.meetings import HELD, Meeting, MeetingPlan, MeetingStatus

_HELD = [s.value for s in HELD]
_CANCELLED = MeetingStatus.CANCELLED.value
PAST_LIMIT = 50


class MeetingRepository(Repository):
    """Meetings by village and time.

    It lives for one transaction and keeps the meetings `get` read until one of its writes (the only ones to the
    table): a sign-up reads the meeting to check it, then again for the page it answers with.
    """

    def __init__(self, connection: AsyncConnection) -> None:
        super().__init__(connection)
        self._read: dict[int, Meeting] = {}

    async def _write(self, statement: Any) -> CursorResult[Any]:
        self._read.clear()
        result: CursorResult[Any] = await self._db.execute(statement)
        return result

    async def add(self, village_id: int, plan: MeetingPlan, *, code: str, created_by: int | None,
                  now: datetime) -> int:
        """Store a new draft meeting."""
        result = await self._write(meetings.insert().values(
            village_id=village_id, level=plan.level.value, group_id=plan.group_id, title=plan.title,
            venue_type=plan.venue_type.value, venue_name=plan.venue_name, starts_at=plan.starts_at,
            ends_at=plan.ends_at, signup_deadline=plan.signup_deadline, capacity=plan.capacity,
            status=MeetingStatus.DRAFT.value, version=1, checkin_code=code, created_by=created_by, created_at=now))
        return new_id(result)

    async def get(self, meeting_id: int) -> Meeting | None:
        """Return the meeting with this id."""
        if meeting_id not in self._read:
            found = await self._meetings(select(meetings).where(meetings.c.id == meeting_id))
            if not found:
                return None
            self._read[meeting_id] = found[0]
        return self._read[meeting_id]

    async def active(self, village_id: int, now: datetime) -> list[Meeting]:
        """Return the village's meetings not cancelled and not yet over, soonest first."""
        return await self._meetings(select(meetings).where(
            meetings.c.village_id == village_id, meetings.c.status != _CANCELLED, meetings.c.ends_at > now,
        ).order_by(meetings.c.starts_at, meetings.c.id))

    async def past(self, village_id: int, now: datetime) -> list[Meeting]:
        """Return the village's latest meetings held and over, newest first."""
        return await self._meetings(select(meetings).where(
            meetings.c.village_id == village_id, meetings.c.status.in_(_HELD), meetings.c.ends_at <= now,
        ).order_by(meetings.c.starts_at.desc(), meetings.c.id.desc()).limit(PAST_LIMIT))

    async def held_between(self, village_id: int, start: datetime, end: datetime) -> list[Meeting]:
        """Return the village's meetings held (published, not cancelled) that start in [start, end)."""
        return await self._meetings(select(meetings).where(
            meetings.c.village_id == village_id, meetings.c.status.in_(_HELD), meetings.c.starts_at >= start,
            meetings.c.starts_at < end,
        ).order_by(meetings.c.starts_at))

    async def published_starting(self, start: datetime, end: datetime) -> list[Meeting]:
        """Return published meetings of every village starting in (start, end]: the reminders' candidates."""
        return await self._meetings(select(meetings).where(
            meetings.c.status == MeetingStatus.PUBLISHED.value, meetings.c.starts_at > start,
            meetings.c.starts_at <= end,
        ).order_by(meetings.c.starts_at, meetings.c.id))

    async def codes_near(self, village_id: int, start: datetime, end: datetime) -> set[str]:
        """Return the check-in codes of the village's meetings overlapping [start, end)."""
        query = select(meetings.c.checkin_code).where(
            meetings.c.village_id == village_id, meetings.c.status != _CANCELLED, meetings.c.starts_at < end,
            meetings.c.ends_at > start)
        return set((await self._db.execute(query)).scalars())

    async def set_status(self, meeting_id: int, status: MeetingStatus, now: datetime) -> None:
        """Change the status (publishing stamps the time)."""
        values: dict[str, Any] = {"status": status.value}
        if status is MeetingStatus.PUBLISHED:
            values["published_at"] = now
        await self._write(update(meetings).where(meetings.c.id == meeting_id).values(**values))

    async def reschedule(self, meeting_id: int, starts_at: datetime, ends_at: datetime, deadline: datetime) -> None:
        """Move the meeting; its version goes up so reminders follow the new time."""
        await self._write(update(meetings).where(meetings.c.id == meeting_id).values(
            starts_at=starts_at, ends_at=ends_at, signup_deadline=deadline, version=meetings.c.version + 1))

    async def cancel(self, meeting_id: int, reason: str, now: datetime) -> None:
        """Cancel the meeting."""
        await self._write(update(meetings).where(meetings.c.id == meeting_id).values(
            status=_CANCELLED, cancel_reason=reason, cancelled_at=now))

    async def set_capacity(self, meeting_id: int, capacity: int) -> None:
        """Change the number of seats."""
        await self._write(update(meetings).where(meetings.c.id == meeting_id).values(capacity=capacity))

    async def disclose(self, meeting_id: int, status: MeetingStatus, text: str, now: datetime) -> bool:
        """Store the resolution (status RESOLVED) or the result (IMPLEMENTED); False if not in the right state."""
        if status is MeetingStatus.RESOLVED:
            before, values = MeetingStatus.PUBLISHED, {"resolution": text, "resolution_at": now}
        elif status is MeetingStatus.IMPLEMENTED:
            before, values = MeetingStatus.RESOLVED, {"result": text, "result_at": now}
        else:
            raise ValueError(status)
        statement = update(meetings).where(meetings.c.id == meeting_id, meetings.c.status == before.value).values(
            status=status.value, **values)
        return bool((await self._write(statement)).rowcount)

    async def people_in_scope(self, village_id: int, group_id: int | None) -> list[int]:
        """Return the ids of everyone in the village, or in one of its groups."""
        query = select(people.c.id).where(people.c.village_id == village_id)
        if group_id is not None:
            query = query.where(people.c.group_id == group_id)
        return list((await self._db.execute(query.order_by(people.c.id))).scalars())

    async def _meetings(self, query: Select[Any]) -> list[Meeting]:
        return [_meeting(row) for row in await self._db.execute(query)]


def _meeting(row: Any) -> Meeting:
    return Meeting(
        id=row.id, village_id=row.village_id, level=MeetingLevel(row.level), group_id=row.group_id, title=row.title,
        venue_type=VenueType(row.venue_type), venue_name=row.venue_name, starts_at=row.starts_at,
        ends_at=row.ends_at, signup_deadline=row.signup_deadline, capacity=row.capacity,
        status=MeetingStatus(row.status), checkin_code=row.checkin_code, created_at=row.created_at,
        created_by=row.created_by, version=row.version, published_at=row.published_at,
        cancelled_at=row.cancelled_at, cancel_reason=row.cancel_reason, resolution=row.resolution,
        resolution_at=row.resolution_at, result=row.result, result_at=row.result_at,
    )
