"""Seats, the waitlist and attendance.

A confirmed sign-up holds a numbered seat; the seat is chosen and written in one
INSERT ... SELECT (the lowest free number not above the capacity), and the unique
(meeting_id, seat) constraint refuses a second holder of the same seat. So however
sign-ups race for the last seat, the database never lets a meeting overbook.

On PostgreSQL every change of a meeting's seats first locks the meeting's row, so they take
turns as under SQLite's single writer: two cancellations at once each promote a different
waiting person (without it both picked the same one, and a freed seat stayed empty).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, delete, func, literal, null, select, true, union_all, update
from sqlalchemy.sql import Select

from storage.repository import Repository
from storage.tables import checkin_failures, meeting_attendance, meeting_signups, meetings
from storage.types import UtcDateTime
from village.consultation.meetings import AttendanceFigures
from village.consultation.signups import CheckInMethod, SignUp, SignUpStatus

_CONFIRMED = SignUpStatus.CONFIRMED.value
_WAITLISTED = SignUpStatus.WAITLISTED.value
SEAT_ATTEMPTS = 5  # on servers that let two transactions pick the same seat, the loser picks again


def _free_seat(meeting_id: int) -> Select[Any]:
    """Select the lowest seat number of the meeting that is free and within its capacity (NULL when full)."""
    held = meeting_signups.c.seat
    mine = and_(meeting_signups.c.meeting_id == meeting_id, held.is_not(None))
    candidates = union_all(select(literal(1).label("seat")),
                           select((held + 1).label("seat")).where(mine)).subquery()
    capacity = select(meetings.c.capacity).where(meetings.c.id == meeting_id).scalar_subquery()
    return select(func.min(candidates.c.seat).label("seat")).where(
        candidates.c.seat.not_in(select(held).where(mine)), candidates.c.seat <= capacity)


class SignUpRepository(Repository):
    """Sign-ups by meeting and person, and who checked in."""

    async def take(self, meeting_id: int, person_id: int, now: datetime) -> SignUp:
        """Sign up: the lowest free seat, or the waitlist when none is left.

        The INSERT skips a row that breaks a unique key instead of failing (so it needs no savepoint) and
        returns the row it wrote (so nothing is read back): no row means the seat was taken meanwhile, or the
        person was signed up meanwhile.
        """
        await self._lock_meeting(meeting_id)
        for _attempt in range(SEAT_ATTEMPTS):
            taken = (await self._db.execute(self._take(meeting_id, person_id, now))).first()
            if taken is not None:
                return _signup(taken)
            signup = await self.get(meeting_id, person_id)
            if signup is not None:
                return signup
        raise AssertionError("sign-up lost after retries")

    async def get(self, meeting_id: int, person_id: int) -> SignUp | None:
        """Return a person's sign-up for a meeting."""
        rows = await self._signups(select(meeting_signups).where(
            meeting_signups.c.meeting_id == meeting_id, meeting_signups.c.person_id == person_id))
        return rows[0] if rows else None

    async def remove(self, meeting_id: int, person_id: int) -> SignUp | None:
        """Delete a person's sign-up and return it; None when there was none."""
        await self._lock_meeting(meeting_id)
        found = await self.get(meeting_id, person_id)
        if found is not None:
            await self._db.execute(delete(meeting_signups).where(
                meeting_signups.c.meeting_id == meeting_id, meeting_signups.c.person_id == person_id))
        return found

    async def promote_next(self, meeting_id: int, now: datetime) -> SignUp | None:
        """Give the lowest free seat to the first in the waitlist; None when no seat or nobody waits."""
        await self._lock_meeting(meeting_id)
        first = (await self._db.execute(select(meeting_signups.c.id, meeting_signups.c.person_id).where(
            meeting_signups.c.meeting_id == meeting_id, meeting_signups.c.status == _WAITLISTED,
        ).order_by(meeting_signups.c.queued_at, meeting_signups.c.person_id).limit(1))).first()
        seat = (await self._db.execute(_free_seat(meeting_id))).scalar()
        if first is None or seat is None:
            return None
        await self._db.execute(update(meeting_signups).where(
            meeting_signups.c.id == first.id, meeting_signups.c.status == _WAITLISTED,
        ).values(status=_CONFIRMED, seat=seat, confirmed_at=now))
        return await self.get(meeting_id, first.person_id)

    async def compact_seats(self, meeting_id: int) -> None:
        """Renumber the confirmed seats 1..n in seat order, so a lower capacity still covers them all."""
        await self._lock_meeting(meeting_id)
        rows = (await self._db.execute(select(meeting_signups.c.id, meeting_signups.c.seat).where(
            meeting_signups.c.meeting_id == meeting_id, meeting_signups.c.status == _CONFIRMED,
        ).order_by(meeting_signups.c.seat))).fetchall()
        for number, row in enumerate(rows, start=1):
            if row.seat != number:  # ascending, so seat `number` is already free
                await self._db.execute(update(meeting_signups).where(meeting_signups.c.id == row.id).values(
                    seat=number))

    async def of_meeting(self, meeting_id: int) -> list[SignUp]:
        """Return a meeting's sign-ups: seated by seat, then the waitlist in order."""
        return await self._signups(select(meeting_signups).where(meeting_signups.c.meeting_id == meeting_id).order_by(
            meeting_signups.c.status, meeting_signups.c.seat, meeting_signups.c.queued_at,
            meeting_signups.c.person_id))

    async def of_person(self, person_id: int, meeting_ids: Sequence[int]) -> dict[int, SignUp]:
        """Return a person's sign-ups among `meeting_ids`, by meeting."""
        rows = await self._signups(select(meeting_signups).where(
            meeting_signups.c.person_id == person_id, meeting_signups.c.meeting_id.in_(list(meeting_ids))))
        return {s.meeting_id: s for s in rows}

    async def figures(self, meeting_ids: Sequence[int]) -> dict[int, AttendanceFigures]:
        """Return confirmed, waitlisted and attendance counts for each meeting."""
        ids = list(meeting_ids)
        counts: dict[int, dict[str, int]] = {m: {} for m in ids}
        status_query = select(meeting_signups.c.meeting_id, meeting_signups.c.status, func.count()).where(
            meeting_signups.c.meeting_id.in_(ids)).group_by(meeting_signups.c.meeting_id, meeting_signups.c.status)
        for meeting_id, status, count in await self._db.execute(status_query):
            counts[meeting_id][status] = count
        came = select(meeting_attendance.c.meeting_id, func.count(),
                      func.sum(case((meeting_signups.c.status == _CONFIRMED, 1), else_=0))).select_from(
            meeting_attendance.outerjoin(meeting_signups, and_(
                meeting_signups.c.meeting_id == meeting_attendance.c.meeting_id,
                meeting_signups.c.person_id == meeting_attendance.c.person_id)),
        ).where(meeting_attendance.c.meeting_id.in_(ids)).group_by(meeting_attendance.c.meeting_id)
        for meeting_id, attended, confirmed in await self._db.execute(came):
            counts[meeting_id]["attended"], counts[meeting_id]["attended_confirmed"] = attended, int(confirmed or 0)
        return {m: AttendanceFigures(c.get(_CONFIRMED, 0), c.get(_WAITLISTED, 0), c.get("attended", 0),
                                     c.get("attended_confirmed", 0)) for m, c in counts.items()}

    async def attend(self, meeting_id: int, person_id: int, method: CheckInMethod, marked_by: int | None,
                     now: datetime) -> bool:
        """Record that someone came; False when they were recorded before."""
        return await self._insert_ignore(meeting_attendance, {
            "meeting_id": meeting_id, "person_id": person_id, "method": method.value, "marked_by": marked_by,
            "checked_in_at": now})

    async def attendees(self, meeting_id: int) -> list[int]:
        """Return who checked in, in the order they did."""
        query = select(meeting_attendance.c.person_id).where(meeting_attendance.c.meeting_id == meeting_id).order_by(
            meeting_attendance.c.checked_in_at, meeting_attendance.c.person_id)
        return list((await self._db.execute(query)).scalars())

    async def add_failure(self, person_id: int, meeting_ids: Sequence[int], now: datetime) -> None:
        """Record a wrong check-in code: one row for the person, and one per meeting it may have been for."""
        rows = [{"person_id": person_id, "meeting_id": m, "failed_at": now} for m in [None, *meeting_ids]]
        await self._db.execute(checkin_failures.insert(), rows)

    async def failures_of_person(self, person_id: int, since: datetime) -> int:
        """Return how many wrong codes the person typed after `since` (their own rows, one per attempt)."""
        query = select(func.count()).where(checkin_failures.c.person_id == person_id,
                                           checkin_failures.c.meeting_id.is_(None),
                                           checkin_failures.c.failed_at > since)
        return int((await self._db.execute(query)).scalar() or 0)

    async def failures_of_meeting(self, meeting_id: int) -> int:
        """Return how many wrong codes were counted against the meeting."""
        query = select(func.count()).where(checkin_failures.c.meeting_id == meeting_id)
        return int((await self._db.execute(query)).scalar() or 0)

    async def _lock_meeting(self, meeting_id: int) -> None:
        """Wait for other transactions changing this meeting's seats (PostgreSQL; SQLite has one writer anyway)."""
        if self._db.dialect.name == "postgresql":
            await self._db.execute(select(meetings.c.id).where(meetings.c.id == meeting_id).with_for_update())

    async def _signups(self, query: Select[Any]) -> list[SignUp]:
        return [_signup(r) for r in await self._db.execute(query)]

    def _take(self, meeting_id: int, person_id: int, now: datetime) -> Any:
        """Build the one statement that signs up: a free seat if there is one, else the waitlist."""
        free = _free_seat(meeting_id).subquery()
        moment = literal(now, UtcDateTime())
        chosen = select(
            literal(meeting_id), literal(person_id),
            case((free.c.seat.is_(None), literal(_WAITLISTED)), else_=literal(_CONFIRMED)),
            free.c.seat, moment, case((free.c.seat.is_(None), null()), else_=moment),
        ).select_from(free).where(true())  # SQLite parses INSERT ... SELECT ... ON CONFLICT only after a WHERE
        columns = ["meeting_id", "person_id", "status", "seat", "queued_at", "confirmed_at"]
        return self._insert_or_skip(meeting_signups).from_select(columns, chosen).returning(*meeting_signups.c)


def _signup(row: Any) -> SignUp:
    return SignUp(row.meeting_id, row.person_id, SignUpStatus(row.status), row.queued_at, row.seat)
