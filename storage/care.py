"""The care list, its visits and patrols."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from storage.repository import Repository, new_id
from storage.tables import care_subjects, care_visits, patrols
from village.care.models import (
    CareCategory,
    CareSubject,
    Patrol,
    PatrolDraft,
    Rhythm,
    Visit,
    VisitDraft,
    Wellbeing,
)
from village.geo import Datum, GeoPoint
from village.media import MediaKind, StoredMedia


class CareRepository(Repository):
    """People on the care list by id or person; visits and patrols by village and time."""

    async def subject(self, subject_id: int) -> CareSubject | None:
        """Return the list entry with this id, also when removed."""
        row = (await self._db.execute(select(care_subjects).where(care_subjects.c.id == subject_id))).first()
        return _subject(row) if row else None

    async def subject_of_person(self, person_id: int) -> CareSubject | None:
        """Return the person's list entry, also when removed."""
        query = select(care_subjects).where(care_subjects.c.person_id == person_id)
        row = (await self._db.execute(query)).first()
        return _subject(row) if row else None

    async def add_subject(self, village_id: int, person_id: int, category: CareCategory, rhythm: Rhythm,
                          now: datetime) -> CareSubject:
        """Put a person on the list, or back on it (their earlier visits stay with the entry)."""
        values = {"category": category.value, "rhythm": rhythm.value, "added_at": now, "removed_at": None}
        existing = await self.subject_of_person(person_id)
        if existing is None:
            subject_id = new_id(await self._db.execute(care_subjects.insert().values(
                village_id=village_id, person_id=person_id, **values)))
        else:
            subject_id = existing.id
            await self._db.execute(update(care_subjects).where(care_subjects.c.id == subject_id).values(**values))
        subject = await self.subject(subject_id)
        assert subject is not None
        return subject

    async def update_subject(self, subject_id: int, category: CareCategory, rhythm: Rhythm) -> None:
        """Change the category and rhythm."""
        await self._db.execute(update(care_subjects).where(care_subjects.c.id == subject_id).values(
            category=category.value, rhythm=rhythm.value))

    async def remove_subject(self, subject_id: int, now: datetime) -> None:
        """Take the person off the list."""
        await self._db.execute(update(care_subjects).where(care_subjects.c.id == subject_id).values(removed_at=now))

    async def subjects(self, village_id: int | None) -> list[CareSubject]:
        """Return the people on the list now, of one village or (None) of all."""
        query = select(care_subjects).where(care_subjects.c.removed_at.is_(None)).order_by(care_subjects.c.id)
        if village_id is not None:
            query = query.where(care_subjects.c.village_id == village_id)
        return [_subject(r) for r in await self._db.execute(query)]

    async def add_visit(self, subject: CareSubject, visitor_id: int, at: datetime, draft: VisitDraft) -> Visit:
        """Record a visit."""
        visit_id = new_id(await self._db.execute(care_visits.insert().values(
            village_id=subject.village_id, subject_id=subject.id, visitor_id=visitor_id, at=at,
            wellbeing=draft.wellbeing.value, note=draft.note, voice=_media_json(draft.voice),
            photo=_media_json(draft.photo), problem=draft.problem, family_contacted=draft.family_contacted)))
        return Visit(visit_id, subject.village_id, subject.id, visitor_id, at, draft)

    async def link_visit_report(self, visit_id: int, report_id: int) -> None:
        """Note the report filed from a visit."""
        await self._db.execute(update(care_visits).where(care_visits.c.id == visit_id).values(report_id=report_id))

    async def visits_of(self, subject_id: int, limit: int) -> list[Visit]:
        """Return a person's latest visits, newest first."""
        query = select(care_visits).where(care_visits.c.subject_id == subject_id).order_by(
            care_visits.c.at.desc(), care_visits.c.id.desc()).limit(limit)
        return [_visit(r) for r in await self._db.execute(query)]

    async def last_visits(self, subject_ids: Sequence[int]) -> dict[int, Visit]:
        """Return the newest visit of each of the given people who has one."""
        if not subject_ids:
            return {}
        newest = (select(func.max(care_visits.c.id)).where(care_visits.c.subject_id.in_(list(subject_ids)))
                  .group_by(care_visits.c.subject_id))
        # Visits are recorded as they happen, so the highest id of a person is their latest visit.
        query = select(care_visits).where(care_visits.c.id.in_(newest))
        return {int(r.subject_id): _visit(r) for r in await self._db.execute(query)}

    async def visits_between(self, village_id: int, start: datetime, end: datetime) -> list[Visit]:
        """Return the village's visits in [start, end), oldest first."""
        query = select(care_visits).where(care_visits.c.village_id == village_id, care_visits.c.at >= start,
                                          care_visits.c.at < end).order_by(care_visits.c.at, care_visits.c.id)
        return [_visit(r) for r in await self._db.execute(query)]

    async def add_patrol(self, village_id: int, patroller_id: int, grid_id: int | None, at: datetime,
                         draft: PatrolDraft) -> Patrol:
        """Record a patrol."""
        point = draft.point
        patrol_id = new_id(await self._db.execute(patrols.insert().values(
            village_id=village_id, patroller_id=patroller_id, grid_id=grid_id, at=at, note=draft.note,
            voice=_media_json(draft.voice), latitude=point.latitude if point else None,
            longitude=point.longitude if point else None, datum=point.datum.value if point else None,
            address=draft.address, problem=draft.problem)))
        return Patrol(patrol_id, village_id, patroller_id, grid_id, at, draft)

    async def link_patrol_report(self, patrol_id: int, report_id: int) -> None:
        """Note the report filed from a patrol."""
        await self._db.execute(update(patrols).where(patrols.c.id == patrol_id).values(report_id=report_id))

    async def patrols_between(self, village_id: int, start: datetime, end: datetime) -> list[Patrol]:
        """Return the village's patrols in [start, end), oldest first."""
        query = select(patrols).where(patrols.c.village_id == village_id, patrols.c.at >= start,
                                      patrols.c.at < end).order_by(patrols.c.at, patrols.c.id)
        return [_patrol(r) for r in await self._db.execute(query)]


def _subject(row: Any) -> CareSubject:
    return CareSubject(row.id, row.village_id, row.person_id, CareCategory(row.category), Rhythm(row.rhythm),
                       row.added_at, row.removed_at)


def _visit(row: Any) -> Visit:
    draft = VisitDraft(Wellbeing(row.wellbeing), row.note, _media(row.voice), _media(row.photo), bool(row.problem),
                       bool(row.family_contacted))
    return Visit(row.id, row.village_id, row.subject_id, row.visitor_id, row.at, draft, row.report_id)


def _patrol(row: Any) -> Patrol:
    point = (GeoPoint(row.latitude, row.longitude, Datum(row.datum or Datum.WGS84.value))
             if row.latitude is not None else None)
    draft = PatrolDraft(row.note, _media(row.voice), point, row.address, bool(row.problem))
    return Patrol(row.id, row.village_id, row.patroller_id, row.grid_id, row.at, draft, row.report_id)


def _media_json(media: StoredMedia | None) -> dict[str, Any] | None:
    if media is None:
        return None
    return {"media_id": media.id, "kind": media.kind.value, "size": media.size, "mime_type": media.mime_type,
            "path": media.path}


def _media(data: dict[str, Any] | None) -> StoredMedia | None:
    if not data:
        return None
    return StoredMedia(int(data["media_id"]), MediaKind(data["kind"]), int(data["size"]), data["mime_type"],
                       data.get("path"))
