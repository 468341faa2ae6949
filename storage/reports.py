"""Problem reports: the reports, their timeline, media and followers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select, union_all, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import ColumnElement, Select

from storage.repository import Repository, new_id
from storage.tables import media, report_events, report_followers, report_media, reports
from village.geo import Datum, GeoPoint
from village.media import MediaKind, StoredMedia
from village.reports.model import (
    ACTIVE_STATUSES,
    MediaPurpose,
    NewEvent,
    NewReport,
    Rating,
    Report,
    ReportEvent,
    ReportMedia,
    ReportStatus,
    StatusChange,
)
from village.reports.rules import report_code
from village.reports.views import ReportQuery

# Concurrent filings in one village and month race for the next number; the loser retries.
CODE_ATTEMPTS = 5
_ACTIVE = [s.value for s in ACTIVE_STATUSES]
_SUBMITTED = ReportStatus.SUBMITTED.value
# Built once: every report begun checks the daily limit with it.
_FILED_SINCE = select(func.count()).where(reports.c.reporter_id == bindparam("reporter_id"),
                                          reports.c.created_at >= bindparam("since"))
_FOLLOWERS = (select(func.count()).where(report_followers.c.report_id == reports.c.id)
              .correlate(reports).scalar_subquery().label("followers"))


class ReportRepository(Repository):
    """Reports by id and code; every query is scoped by village except the daily jobs' sweeps."""

    async def add(self, new: NewReport) -> Report:
        """Insert a report with the next number of its village and month, and return it."""
        for _ in range(CODE_ATTEMPTS):
            sequence = await self._next_sequence(new.village_id, new.month)
            try:
                async with self._db.begin_nested():
                    result = await self._db.execute(reports.insert().values(**_new_values(new, sequence)))
            except IntegrityError:
                continue  # another filing took this number first
            report = await self.get(new_id(result))
            assert report is not None
            return report
        raise RuntimeError(f"no free report number in village {new.village_id} month {new.month}")

    async def _next_sequence(self, village_id: int, month: str) -> int:
        query = select(func.coalesce(func.max(reports.c.seq), 0)).where(
            reports.c.village_id == village_id, reports.c.month == month)
        return int((await self._db.execute(query)).scalar_one()) + 1

    async def get(self, report_id: int) -> Report | None:
        """Return the report with this id."""
        found = await self._reports(_select().where(reports.c.id == report_id))
        return found[0] if found else None

    async def by_code(self, code: str) -> Report | None:
        """Return the report with this human code."""
        found = await self._reports(_select().where(reports.c.code == code))
        return found[0] if found else None

    async def change(self, report_id: int, expected: ReportStatus, change: StatusChange) -> bool:
        """Write a change only if the report is still in `expected` status; return whether it was."""
        values: dict[str, Any] = {"status": change.status.value}
        for name in ("assignee_id", "deadline_at", "accepted_at", "resolved_at", "closed_at", "merged_into_id",
                     "resolution_note", "reopened"):
            if getattr(change, name) is not None:
                values[name] = getattr(change, name)
        if change.rating is not None:
            values["rating"] = change.rating.value
        elif change.clear_rating:
            values["rating"] = None
        statement = update(reports).where(reports.c.id == report_id, reports.c.status == expected.value)
        return bool((await self._db.execute(statement.values(**values))).rowcount)

    async def add_event(self, event: NewEvent) -> ReportEvent | None:
        """Append a timeline row; None when its key was recorded before."""
        values = {
            "report_id": event.report_id, "village_id": event.village_id, "at": event.at, "kind": event.kind,
            "actor_id": event.actor_id, "note": event.note, "params": dict(event.params), "key": event.key,
            "from_status": event.from_status.value if event.from_status else None,
            "to_status": event.to_status.value if event.to_status else None,
        }
        if event.key is None:
            event_id = new_id(await self._db.execute(report_events.insert().values(**values)))
            query = select(report_events).where(report_events.c.id == event_id)
        else:
            if not await self._insert_ignore(report_events, values):
                return None
            query = select(report_events).where(report_events.c.key == event.key)
        return _event((await self._db.execute(query)).one())

    async def events(self, report_id: int) -> list[ReportEvent]:
        """Return the report's timeline, oldest first."""
        query = select(report_events).where(report_events.c.report_id == report_id).order_by(report_events.c.id)
        return [_event(r) for r in await self._db.execute(query)]

    async def events_between(self, village_id: int, start: datetime, end: datetime) -> list[ReportEvent]:
        """Return the village's timeline rows in [start, end)."""
        query = select(report_events).where(
            report_events.c.village_id == village_id, report_events.c.at >= start, report_events.c.at < end,
        ).order_by(report_events.c.id)
        return [_event(r) for r in await self._db.execute(query)]

    async def add_media(self, report_id: int, purpose: MediaPurpose, media: StoredMedia, position: int) -> None:
        """Keep a photo or voice message with the report."""
        await self._db.execute(report_media.insert().values(
            report_id=report_id, purpose=purpose.value, media_id=media.id, position=position))

    async def media(self, report_id: int) -> list[ReportMedia]:
        """Return the report's files in the order they were sent."""
        query = select(report_media, media.c.kind, media.c.size, media.c.mime, media.c.path).join(
            media, media.c.id == report_media.c.media_id).where(report_media.c.report_id == report_id).order_by(
            report_media.c.purpose.desc(), report_media.c.position, report_media.c.id)
        return [ReportMedia(r.id, r.report_id, MediaPurpose(r.purpose), StoredMedia(
            r.media_id, MediaKind(r.kind), int(r.size), r.mime, r.path), r.position)
            for r in await self._db.execute(query)]

    async def follow(self, report_id: int, person_id: int, now: datetime) -> bool:
        """Add a follower (附和); return False when they followed already."""
        return await self._insert_ignore(report_followers, {"report_id": report_id, "person_id": person_id, "at": now})

    async def followers(self, report_id: int) -> list[int]:
        """Return the ids of the report's followers, in the order they joined."""
        query = select(report_followers.c.person_id).where(report_followers.c.report_id == report_id).order_by(
            report_followers.c.at, report_followers.c.person_id)
        return [int(r.person_id) for r in await self._db.execute(query)]

    async def count_filed_since(self, reporter_id: int, since: datetime) -> int:
        """Count the reports filed for a person since a moment (the daily limit)."""
        values = {"reporter_id": reporter_id, "since": since}
        return int((await self._db.execute(_FILED_SINCE, values)).scalar_one())

    async def open_located(self, village_id: int, category: str) -> list[Report]:
        """Return the village's open reports of a category that have a location (duplicate candidates)."""
        query = _select().where(
            reports.c.village_id == village_id, reports.c.category == category,
            reports.c.status.in_([_SUBMITTED, *_ACTIVE]), reports.c.latitude.is_not(None))
        return await self._reports(query)

    async def of_person(self, person_id: int, limit: int) -> list[Report]:
        """Return the reports a person filed or follows, newest first."""
        # One set of ids from two indexes, not `reporter_id = ? OR id IN (...)`: with the OR, PostgreSQL walks the
        # whole table backwards by id, filtering (200,000 rows for someone with one report).
        mine = union_all(select(reports.c.id).where(reports.c.reporter_id == person_id),
                         select(report_followers.c.report_id).where(report_followers.c.person_id == person_id))
        query = _select().where(reports.c.id.in_(select(mine.subquery().c.id)))
        return await self._reports(query.order_by(reports.c.id.desc()).limit(limit))

    async def search(self, query: ReportQuery, *, offset: int, limit: int) -> list[Report]:
        """Return one page of a village's reports matching `query`, oldest first."""
        statement = _select().where(*_conditions(query)).order_by(reports.c.id).offset(offset).limit(limit)
        return await self._reports(statement)

    async def search_counted(self, query: ReportQuery, *, offset: int, limit: int) -> tuple[list[Report], int]:
        """Return one page of a village's reports matching `query`, oldest first, and how many match in all.

        One statement (the count is a window over every match); a page past the end finds no row to carry the
        count, so it is 0 there and the caller counts apart.
        """
        statement = (_select().add_columns(func.count().over().label("matching")).where(*_conditions(query))
                     .order_by(reports.c.id).offset(offset).limit(limit))
        rows = (await self._db.execute(statement)).fetchall()
        return [_report(r) for r in rows], (rows[0].matching if rows else 0)

    async def count(self, query: ReportQuery) -> int:
        """Count a village's reports matching `query`."""
        statement = select(func.count()).select_from(reports).where(*_conditions(query))
        return int((await self._db.execute(statement)).scalar_one())

    async def count_resolved_between(self, village_id: int, start: datetime, end: datetime) -> int:
        """Count the village's reports resolved in [start, end) and not reopened since."""
        query = select(func.count()).where(
            reports.c.village_id == village_id,
            reports.c.status.in_([ReportStatus.RESOLVED.value, ReportStatus.CLOSED.value]),
            reports.c.resolved_at >= start, reports.c.resolved_at < end)
        return int((await self._db.execute(query)).scalar_one())

    async def created_between(self, village_id: int, start: datetime, end: datetime) -> list[Report]:
        """Return the village's reports filed in [start, end), in order."""
        query = _select().where(reports.c.village_id == village_id, reports.c.created_at >= start,
                                reports.c.created_at < end)
        return await self._reports(query.order_by(reports.c.id))

    async def filed_at(self, report_ids: Sequence[int]) -> dict[int, datetime]:
        """Return when each report was filed."""
        found: dict[int, datetime] = {}
        ids = list(report_ids)
        for start in range(0, len(ids), 500):
            query = select(reports.c.id, reports.c.created_at).where(reports.c.id.in_(ids[start:start + 500]))
            found.update({int(r.id): r.created_at for r in await self._db.execute(query)})
        return found

    async def overdue(self, now: datetime) -> list[Report]:
        """Return every village's reports past their current deadline, oldest first."""
        return await self._reports(_select().where(_overdue(now)).order_by(reports.c.id))

    async def resolved_before(self, before: datetime) -> list[Report]:
        """Return every village's reports resolved at or before `before` and still waiting for a rating."""
        query = _select().where(reports.c.status == ReportStatus.RESOLVED.value, reports.c.resolved_at <= before)
        return await self._reports(query.order_by(reports.c.id))

    async def _reports(self, query: Select[Any]) -> list[Report]:
        return [_report(r) for r in await self._db.execute(query)]


def _select() -> Select[Any]:
    return select(reports, _FOLLOWERS)


def _overdue(now: datetime) -> ColumnElement[bool]:
    return or_(and_(reports.c.status == _SUBMITTED, reports.c.accept_due_at <= now),
               and_(reports.c.status.in_(_ACTIVE), reports.c.deadline_at <= now))


def _conditions(query: ReportQuery) -> list[ColumnElement[bool]]:
    conditions = [reports.c.village_id == query.village_id]
    if query.statuses is not None:
        conditions.append(reports.c.status.in_(sorted(s.value for s in query.statuses)))
    if query.category is not None:
        conditions.append(reports.c.category == query.category)
    if query.grid_id is not None:
        conditions.append(reports.c.grid_id == query.grid_id)
    if query.assignee_id is not None:
        conditions.append(reports.c.assignee_id == query.assignee_id)
    if query.overdue_at is not None:
        conditions.append(_overdue(query.overdue_at))
    return conditions


def _new_values(new: NewReport, sequence: int) -> dict[str, Any]:
    draft = new.draft
    return {
        "village_id": new.village_id, "month": new.month, "seq": sequence,
        "code": report_code(new.village_code, new.month, sequence), "category": draft.category, "text": draft.text,
        "status": _SUBMITTED, "reporter_id": new.reporter_id, "filed_by_id": new.filed_by_id,
        "anonymous": draft.anonymous, "grid_id": new.grid_id, "assignee_id": new.assignee_id,
        "latitude": draft.point.latitude if draft.point else None,
        "longitude": draft.point.longitude if draft.point else None,
        "datum": draft.point.datum.value if draft.point else None, "address": draft.address,
        "created_at": new.created_at, "accept_due_at": new.accept_due_at, "resolution_note": "", "reopened": 0,
    }


def _report(row: Any) -> Report:
    point = GeoPoint(row.latitude, row.longitude, Datum(row.datum)) if row.latitude is not None else None
    return Report(
        id=row.id, village_id=row.village_id, code=row.code, category=row.category, text=row.text,
        status=ReportStatus(row.status), reporter_id=row.reporter_id, filed_by_id=row.filed_by_id,
        anonymous=bool(row.anonymous), created_at=row.created_at, accept_due_at=row.accept_due_at,
        grid_id=row.grid_id, assignee_id=row.assignee_id, point=point, address=row.address,
        deadline_at=row.deadline_at, accepted_at=row.accepted_at, resolved_at=row.resolved_at,
        closed_at=row.closed_at, rating=Rating(row.rating) if row.rating else None,
        merged_into_id=row.merged_into_id, resolution_note=row.resolution_note, reopened=row.reopened,
        followers=int(row.followers or 0),
    )


def _event(row: Any) -> ReportEvent:
    return ReportEvent(
        id=row.id, report_id=row.report_id, village_id=row.village_id, at=row.at, kind=row.kind,
        actor_id=row.actor_id, from_status=ReportStatus(row.from_status) if row.from_status else None,
        to_status=ReportStatus(row.to_status) if row.to_status else None, note=row.note,
        params=dict(row.params or {}),
    )
