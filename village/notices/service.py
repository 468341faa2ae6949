"""The notice service: who may publish, who receives, who may read, and what residents muted."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from village.audit import AuditService
from village.clock import Clock
from village.digests import month_bounds
from village.errors import ErrorCode, InvalidInputError, NotFoundError
from village.notices.models import (
    Audience,
    AudienceCount,
    AudienceKind,
    MeetingAudience,
    MeetingChoice,
    Notice,
    NoticeCategory,
    NoticeDraft,
    NoticeFigures,
    NoticePage,
    NoticePolicy,
    ProgressMessage,
    allowed_document,
    check_audience,
    is_mutable,
    waits_for_quiet_hours,
)
from village.outbox import BatchProgress, QuietHours
from village.people import Actor, Identity
from village.permissions import MANAGERS, READERS, require_person, require_role
from village.places import Grid, Group

if TYPE_CHECKING:
    from village.ports import Store


class NoticeService:
    """Compose, publish and read notices; residents' mutes."""

    def __init__(self, store: Store, clock: Clock, audit: AuditService, policy: NoticePolicy, *,
                 quiet_hours: QuietHours, zone: ZoneInfo, meetings: MeetingAudience) -> None:
        self._store = store
        self._clock = clock
        self._audit = audit
        self._policy = policy
        self._quiet_hours = quiet_hours
        self._zone = zone
        self._meetings = meetings

    @property
    def policy(self) -> NoticePolicy:
        """The configured limits."""
        return self._policy

    def check_author(self, actor: Actor, village_id: int) -> None:
        """Refuse anyone but the village's cadres (and admins)."""
        require_role(actor, village_id, *MANAGERS)

    def check_text(self, text: str) -> str:
        """Return the text trimmed; refuse it empty or too long."""
        return self._clean(text)

    def check_document(self, mime_type: str | None, file_name: str | None) -> None:
        """Refuse a file that is not a PDF or an Excel (XLSX) file."""
        if not allowed_document(mime_type, file_name):
            raise InvalidInputError(ErrorCode.NOTICE_FILE_TYPE)

    def held_until(self, category: NoticeCategory) -> datetime | None:
        """Return when a notice of this category published now will be sent, if quiet hours hold it back."""
        now = self._clock.now()
        if not waits_for_quiet_hours(category):
            return None
        release = self._quiet_hours.release_time(now, self._zone)
        return release if release > now else None

    async def places(self, actor: Actor, village_id: int) -> tuple[list[Grid], list[Group]]:
        """Return the village's grids and groups, to choose an audience from (cadres)."""
        require_role(actor, village_id, *MANAGERS)
        return await self._store.places.grids(village_id), await self._store.places.groups(village_id)

    async def meeting_choices(self, actor: Actor, village_id: int) -> Sequence[MeetingChoice]:
        """Return the meetings whose sign-ups may be addressed (cadres)."""
        require_role(actor, village_id, *MANAGERS)
        return await self._meetings.meeting_choices(actor, village_id)

    async def count(self, actor: Actor, draft: NoticeDraft) -> AudienceCount:
        """Count the people a draft reaches, those of them who joined (on any channel), and those muting it."""
        require_role(actor, draft.village_id, *MANAGERS)
        people = await self._recipients(actor, draft)
        identities = await self._store.identities.of_people(people)
        muted = await self._muted(people, draft.category)
        joined = {i.person_id for i in identities}  # someone on Telegram and WeChat counts once: they get it once
        return AudienceCount(len(people), len(joined), len(joined & set(muted)))

    async def publish(self, actor: Actor, draft: NoticeDraft, *, progress: ProgressMessage | None = None) -> Notice:
        """Record the notice and its recipients; the caller queues the deliveries in the same transaction."""
        require_role(actor, draft.village_id, *MANAGERS)
        text = self._clean(draft.text)
        translations = {locale: self._clean(t) for locale, t in draft.translations.items() if t.strip()}
        people = await self._recipients(actor, draft)
        if not people:
            raise InvalidInputError(ErrorCode.AUDIENCE_NOBODY)
        clean = NoticeDraft(draft.village_id, draft.category, text, draft.audience, draft.attachment, translations)
        notice_id = await self._store.notices.add(clean, actor.person_id, len(people), self._clock.now(), progress)
        await self._store.notices.add_recipients(notice_id, people)
        await self._audit.record(actor, draft.village_id, "notice.publish", f"notice:{notice_id}", after={
            "category": draft.category.value, "audience": draft.audience.as_json(), "recipients": len(people)})
        return await self._get(notice_id)

    async def deliveries(self, notice: Notice) -> list[Identity]:
        """Return the accounts a published notice goes to: its recipients', minus those muting its category."""
        people = await self._store.notices.recipient_ids(notice.id)
        muted = await self._muted(people, notice.category)
        return [i for i in await self._store.identities.of_people(people) if i.person_id not in muted]

    async def mine(self, actor: Actor, village_id: int, page: int) -> NoticePage:
        """Return a page of the notices the actor published in the village, with delivery figures (cadres)."""
        require_role(actor, village_id, *MANAGERS)
        total = await self._store.notices.count_by_author(village_id, actor.person_id)
        page, pages = self._page(page, total)
        items = await self._store.notices.by_author(village_id, actor.person_id, offset=page * self._policy.page_size,
                                                    limit=self._policy.page_size)
        figures = [await self.progress(n) for n in items]
        return NoticePage(tuple(items), total, page, pages, tuple(figures))

    async def archive(self, actor: Actor, page: int) -> NoticePage:
        """Return a page of the notices addressed to the actor, and the village's 村务公开, newest first."""
        require_person(actor)
        assert actor.person is not None
        person = actor.person
        total = await self._store.notices.count_readable(person.village_id, person.id)
        page, pages = self._page(page, total)
        items = await self._store.notices.readable(person.village_id, person.id, offset=page * self._policy.page_size,
                                                   limit=self._policy.page_size)
        return NoticePage(tuple(items), total, page, pages)

    async def open(self, actor: Actor, notice_id: int) -> Notice:
        """Return a notice the actor may read: addressed to them, public in their village, or theirs to oversee."""
        notice = await self._store.notices.get(notice_id)
        if notice is None or not await self._readable(actor, notice):
            raise NotFoundError()
        return notice

    async def set_muted(self, actor: Actor, category: NoticeCategory, muted: bool) -> None:
        """Mute or unmute a category for the actor; official and urgent notices cannot be muted."""
        require_person(actor)
        assert actor.person is not None
        if not is_mutable(category):
            raise InvalidInputError(ErrorCode.CATEGORY_NOT_MUTABLE)
        await self._store.notices.set_mute(actor.person.id, category, muted)

    async def muted_categories(self, actor: Actor) -> frozenset[NoticeCategory]:
        """Return the categories the actor muted."""
        require_person(actor)
        assert actor.person is not None
        return await self._store.notices.mutes(actor.person.id)

    async def progress(self, notice: Notice) -> BatchProgress:
        """Return the delivery figures of a notice."""
        return await self._store.outbox.progress(notice.batch, self._clock.now())

    async def unfinished(self) -> list[Notice]:
        """Return notices whose progress message still needs updating (for the progress reporter)."""
        return await self._store.notices.unfinished()

    async def finish(self, notice_id: int) -> None:
        """Record that a notice's final delivery report was shown."""
        await self._store.notices.finish(notice_id, self._clock.now())

    async def month_figures(self, village_id: int, year: int, month: int) -> NoticeFigures:
        """Return the village's notices of a month (local time) and their reach, for the digest."""
        start, end = month_bounds(year, month, self._zone)
        return await self._store.notices.month_figures(village_id, start, end, self._clock.now())

    async def _recipients(self, actor: Actor, draft: NoticeDraft) -> list[int]:
        audience = draft.audience
        check_audience(audience)
        if audience.kind is AudienceKind.MEETING:
            signed_up = await self._meetings.signed_up_people(actor, audience.ids[0])
            return await self._store.notices.of_village(draft.village_id, signed_up)
        await self._check_places(draft.village_id, audience)
        return await self._store.notices.audience_ids(draft.village_id, audience)

    async def _check_places(self, village_id: int, audience: Audience) -> None:
        """Refuse grids or groups outside the village (e.g. from forged button data)."""
        if audience.kind is AudienceKind.GRIDS:
            known = {g.id for g in await self._store.places.grids(village_id)}
        elif audience.kind is AudienceKind.GROUPS:
            known = {g.id for g in await self._store.places.groups(village_id)}
        else:
            return
        if not set(audience.ids) <= known:
            raise NotFoundError()

    async def _muted(self, people: Sequence[int], category: NoticeCategory) -> set[int]:
        if not is_mutable(category):
            return set()
        return await self._store.notices.muting(people, category)

    async def _readable(self, actor: Actor, notice: Notice) -> bool:
        person = actor.person
        if person is None or actor.has_role(notice.village_id, *READERS):
            return True
        if notice.category is NoticeCategory.PUBLIC_AFFAIRS and person.village_id == notice.village_id:
            return True
        return await self._store.notices.is_recipient(notice.id, person.id)

    async def _get(self, notice_id: int) -> Notice:
        notice = await self._store.notices.get(notice_id)
        if notice is None:
            raise NotFoundError()
        return notice

    def _clean(self, text: str) -> str:
        cleaned = text.strip()
        if not cleaned:
            raise InvalidInputError(ErrorCode.NOTICE_EMPTY)
        if len(cleaned) > self._policy.max_text_length:
            raise InvalidInputError(ErrorCode.NOTICE_TOO_LONG, limit=self._policy.max_text_length)
        return cleaned

    def _page(self, page: int, total: int) -> tuple[int, int]:
        pages = max(1, -(-total // self._policy.page_size))
        return min(max(page, 0), pages - 1), pages
