"""Notices, their recipients and residents' mutes; figures for the monthly digest."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, delete, func, or_, select, update
from sqlalchemy.sql import Select

from storage.repository import Repository, new_id
from storage.tables import notice_mutes, notice_recipients, notices, outbox, people, roles
from village.notices import (
    Audience,
    AudienceKind,
    Notice,
    NoticeAttachment,
    NoticeCategory,
    NoticeDraft,
    NoticeFigures,
    ProgressMessage,
    batch_of,
)
from village.outbox import BatchProgress, OutboxStatus

CHUNK = 500  # ids per IN (...) list, well under SQLite's variable limit


class NoticeRepository(Repository):
    """Published notices; each has its recipients (people) recorded for the archive."""

    async def add(self, draft: NoticeDraft, author_person_id: int | None, recipients: int, now: datetime,
                  progress: ProgressMessage | None) -> int:
        """Insert a published notice and return its id."""
        attachment = draft.attachment.as_json() if draft.attachment else None
        result = await self._db.execute(notices.insert().values(
            village_id=draft.village_id, author_person_id=author_person_id, category=draft.category.value,
            text=draft.text, translations=dict(draft.translations), attachment=attachment,
            audience=draft.audience.as_json(), recipients=recipients, batch=f"new:{now.timestamp()}",
            created_at=now, **_progress_values(progress)))
        notice_id = new_id(result)
        await self._db.execute(update(notices).where(notices.c.id == notice_id).values(batch=batch_of(notice_id)))
        return notice_id

    async def add_recipients(self, notice_id: int, person_ids: Sequence[int]) -> None:
        """Record who a notice was addressed to."""
        rows = [{"notice_id": notice_id, "person_id": p} for p in sorted(set(person_ids))]
        for start in range(0, len(rows), CHUNK):
            await self._db.execute(notice_recipients.insert(), rows[start:start + CHUNK])

    async def get(self, notice_id: int) -> Notice | None:
        """Return the notice with this id."""
        found = await self._notices(select(notices).where(notices.c.id == notice_id))
        return found[0] if found else None

    async def audience_ids(self, village_id: int, audience: Audience) -> list[int]:
        """Return the ids of the village's people in a village, grid, group or role audience."""
        query = select(people.c.id).where(people.c.village_id == village_id)
        if audience.kind is AudienceKind.GRIDS:
            query = query.where(people.c.grid_id.in_(audience.ids))
        elif audience.kind is AudienceKind.GROUPS:
            query = query.where(people.c.group_id.in_(audience.ids))
        elif audience.kind is AudienceKind.ROLES:
            holders = select(roles.c.person_id).where(
                roles.c.village_id == village_id, roles.c.role.in_([r.value for r in audience.roles]))
            query = query.where(people.c.id.in_(holders))
        elif audience.kind is not AudienceKind.VILLAGE:
            raise ValueError(f"{audience.kind} is not resolved here")
        return [r.id for r in await self._db.execute(query.order_by(people.c.id))]

    async def of_village(self, village_id: int, person_ids: Sequence[int]) -> list[int]:
        """Return those of `person_ids` who belong to the village."""
        found: list[int] = []
        for chunk in _chunks(sorted(set(person_ids))):
            query = select(people.c.id).where(people.c.id.in_(chunk), people.c.village_id == village_id)
            found += [r.id for r in await self._db.execute(query)]
        return sorted(found)

    async def recipient_ids(self, notice_id: int) -> list[int]:
        """Return the people a notice was addressed to."""
        query = select(notice_recipients.c.person_id).where(notice_recipients.c.notice_id == notice_id)
        return [r.person_id for r in await self._db.execute(query.order_by(notice_recipients.c.person_id))]

    async def is_recipient(self, notice_id: int, person_id: int) -> bool:
        """Tell whether the notice was addressed to the person."""
        query = select(notice_recipients.c.person_id).where(
            notice_recipients.c.notice_id == notice_id, notice_recipients.c.person_id == person_id)
        return (await self._db.execute(query)).first() is not None

    async def count_by_author(self, village_id: int, author_person_id: int | None) -> int:
        """Count the notices a person published in a village."""
        return await self._count(_by_author(village_id, author_person_id))

    async def by_author(self, village_id: int, author_person_id: int | None, *, offset: int,
                        limit: int) -> list[Notice]:
        """Return a page of the notices a person published in a village, newest first."""
        return await self._page(_by_author(village_id, author_person_id), offset, limit)

    async def count_readable(self, village_id: int, person_id: int) -> int:
        """Count the notices a person may browse."""
        return await self._count(_readable(village_id, person_id))

    async def readable(self, village_id: int, person_id: int, *, offset: int, limit: int) -> list[Notice]:
        """Return a page of the notices addressed to the person or public in their village, newest first."""
        return await self._page(_readable(village_id, person_id), offset, limit)

    async def set_mute(self, person_id: int, category: NoticeCategory, muted: bool) -> None:
        """Mute or unmute a category for a person."""
        if muted:
            await self._insert_ignore(notice_mutes, {"person_id": person_id, "category": category.value})
            return
        await self._db.execute(delete(notice_mutes).where(
            notice_mutes.c.person_id == person_id, notice_mutes.c.category == category.value))

    async def mutes(self, person_id: int) -> frozenset[NoticeCategory]:
        """Return the categories a person muted."""
        query = select(notice_mutes.c.category).where(notice_mutes.c.person_id == person_id)
        return frozenset(NoticeCategory(r.category) for r in await self._db.execute(query))

    async def muting(self, person_ids: Sequence[int], category: NoticeCategory) -> set[int]:
        """Return those of `person_ids` who muted the category."""
        found: set[int] = set()
        for chunk in _chunks(list(person_ids)):
            query = select(notice_mutes.c.person_id).where(
                notice_mutes.c.person_id.in_(chunk), notice_mutes.c.category == category.value)
            found |= {r.person_id for r in await self._db.execute(query)}
        return found

    async def unfinished(self) -> list[Notice]:
        """Return notices with a progress message whose final report is not shown yet."""
        query = select(notices).where(notices.c.finished_at.is_(None), notices.c.progress_message_ref.is_not(None))
        return await self._notices(query.order_by(notices.c.id))

    async def finish(self, notice_id: int, now: datetime) -> None:
        """Record that the final report was shown."""
        await self._db.execute(update(notices).where(notices.c.id == notice_id).values(finished_at=now))

    async def month_figures(self, village_id: int, start: datetime, end: datetime, now: datetime) -> NoticeFigures:
        """Count a village's notices created in [start, end) by category, and sum their deliveries."""
        window = and_(notices.c.village_id == village_id, notices.c.created_at >= start, notices.c.created_at < end)
        by_category = {NoticeCategory(r.category): int(r.n) for r in await self._db.execute(
            select(notices.c.category, func.count().label("n")).where(window).group_by(notices.c.category))}
        addressed = (await self._db.execute(select(func.coalesce(func.sum(notices.c.recipients), 0))
                                            .where(window))).scalar()
        delivery = await self._delivery(select(notices.c.batch).where(window), now)
        return NoticeFigures(sum(by_category.values()), by_category, int(addressed or 0), delivery)

    async def _delivery(self, batches: Select[Any], now: datetime) -> BatchProgress:
        status = outbox.c.status
        pending = OutboxStatus.PENDING.value
        query = select(
            func.count(), _count(status == OutboxStatus.SENT.value), _count(status == OutboxStatus.FAILED.value),
            _count(status == OutboxStatus.BLOCKED.value), _count(status.in_([pending, OutboxStatus.SENDING.value])),
            _count((status == pending) & (outbox.c.not_before > now)),
            _count(outbox.c.resent.is_(True) & (status == OutboxStatus.SENT.value)),
        ).where(outbox.c.batch.in_(batches.scalar_subquery()))
        row = (await self._db.execute(query)).one()
        return BatchProgress(*(int(v) for v in row))

    async def _count(self, condition: ColumnElement[bool]) -> int:
        return int((await self._db.execute(select(func.count()).select_from(notices).where(condition))).scalar() or 0)

    async def _page(self, condition: ColumnElement[bool], offset: int, limit: int) -> list[Notice]:
        query = select(notices).where(condition).order_by(notices.c.created_at.desc(), notices.c.id.desc())
        return await self._notices(query.offset(offset).limit(limit))

    async def _notices(self, query: Select[Any]) -> list[Notice]:
        return [_notice(r) for r in await self._db.execute(query)]


def _by_author(village_id: int, author_person_id: int | None) -> ColumnElement[bool]:
    author = (notices.c.author_person_id.is_(None) if author_person_id is None
              else notices.c.author_person_id == author_person_id)
    return and_(notices.c.village_id == village_id, author)


def _readable(village_id: int, person_id: int) -> ColumnElement[bool]:
    addressed = select(notice_recipients.c.notice_id).where(notice_recipients.c.person_id == person_id)
    public = and_(notices.c.village_id == village_id, notices.c.category == NoticeCategory.PUBLIC_AFFAIRS.value)
    return or_(notices.c.id.in_(addressed), public)


def _count(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i:i + CHUNK] for i in range(0, len(ids), CHUNK)]


def _progress_values(progress: ProgressMessage | None) -> dict[str, str | None]:
    if progress is None:
        return {}
    return {"progress_channel": progress.channel, "progress_chat_ref": progress.chat_ref,
            "progress_message_ref": progress.message_ref, "progress_locale": progress.locale}


def _notice(row: Any) -> Notice:
    progress = None
    if row.progress_message_ref is not None:
        progress = ProgressMessage(row.progress_channel, row.progress_chat_ref, row.progress_message_ref,
                                   row.progress_locale)
    return Notice(
        id=row.id, village_id=row.village_id, author_person_id=row.author_person_id,
        category=NoticeCategory(row.category), text=row.text, audience=Audience.from_json(row.audience),
        recipients=row.recipients, created_at=row.created_at,
        attachment=NoticeAttachment.from_json(row.attachment) if row.attachment else None,
        translations=dict(row.translations or {}), progress_message=progress, finished_at=row.finished_at,
    )
