"""Notices: category rules, audiences, who publishes, who receives, who may read, and mutes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

import pytest

from bot.i18n import Catalogs
from handlers.context import Notifier
from handlers.notices.delivery import deliver
from storage.database import Database
from tests.conftest import SHANGHAI
from tests.factories import load_roster, person_by_phone
from village.clock import ManualClock
from village.errors import ErrorCode, InvalidInputError, NotFoundError, PermissionDeniedError
from village.notices import (
    Audience,
    AudienceKind,
    MeetingChoice,
    NoticeCategory,
    NoticeDraft,
    NoticeService,
    allowed_document,
    check_audience,
    delivery_priority,
    is_mutable,
    waits_for_quiet_hours,
)
from village.outbox import MessageKind, Priority
from village.people import Actor
from village.roles import Role
from village.services import Services
from village.settings import VillageSettings

SECRETARY, DIRECTOR, SUPERVISOR = "13800000009", "13800000010", "13800000011"
ALICE, MING, WANG, ZHAO, QIAN, GRID_WORKER = (
    "13800000001", "13800000002", "13800000003", "13800000004", "13800000005", "13800000006")
CM_SECRETARY, CM_RESIDENT = "13900000009", "13900000001"


@pytest.fixture
async def roster(database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)


@asynccontextmanager
async def services(database: Database, clock: ManualClock) -> AsyncIterator[Services]:
    async with database.transaction() as store:
        yield Services(store, clock, VillageSettings())


async def actor(database: Database, phone: str) -> Actor:
    return Actor.of(await person_by_phone(database, phone))


async def bind(database: Database, clock: ManualClock, phone: str, chat: int, locale: str | None = None) -> None:
    person = await person_by_phone(database, phone)
    async with database.transaction() as store:
        identity = await store.identities.seen("telegram", str(chat), chat_ref=str(chat), display_name="",
                                               now=clock.now())
        await store.identities.bind(identity.id, person.id)
        if locale:
            await store.identities.set_locale(identity.id, locale)


async def group_ids(database: Database, *names: str) -> tuple[int, ...]:
    async with database.transaction() as store:
        village = await store.places.village_by_code("FX01")
        assert village is not None
        found = {g.name: g.id for g in await store.places.groups(village.id)}
    return tuple(found[n] for n in names)


async def names(database: Database, person_ids: Sequence[int]) -> set[str]:
    async with database.transaction() as store:
        return {p.name for p in [await store.people.get(i) for i in person_ids] if p}


async def publish(database: Database, clock: ManualClock, audience: Audience, *,
                  category: NoticeCategory = NoticeCategory.NOTICE, by: str = SECRETARY, text: str = "修路通知") -> int:
    author = await actor(database, by)
    assert author.person is not None
    async with services(database, clock) as s:
        notice = await s.notices.publish(author, NoticeDraft(author.person.village_id, category, text, audience))
    return notice.id


async def recipients(database: Database, notice_id: int) -> set[str]:
    async with database.transaction() as store:
        addressed = await store.notices.recipient_ids(notice_id)
    return await names(database, addressed)


def test_only_activities_can_be_muted() -> None:
    assert [c for c in NoticeCategory if is_mutable(c)] == [NoticeCategory.ACTIVITY]


def test_only_urgent_notices_go_out_in_quiet_hours() -> None:
    assert [c for c in NoticeCategory if not waits_for_quiet_hours(c)] == [NoticeCategory.URGENT]


def test_urgent_broadcasts_go_before_other_broadcasts_but_after_nothing_personal() -> None:
    assert delivery_priority(NoticeCategory.URGENT) == Priority.NORMAL
    assert {delivery_priority(c) for c in NoticeCategory if c is not NoticeCategory.URGENT} == {Priority.BULK}


@pytest.mark.parametrize("audience", [
    Audience(AudienceKind.GROUPS), Audience(AudienceKind.GRIDS), Audience(AudienceKind.ROLES),
    Audience(AudienceKind.ROLES, roles=(Role.ADMIN,)), Audience(AudienceKind.MEETING, ids=(1, 2)),
])
def test_audience_without_a_valid_choice_is_refused(audience: Audience) -> None:
    with pytest.raises(InvalidInputError) as refused:
        check_audience(audience)

    assert refused.value.code is ErrorCode.AUDIENCE_EMPTY


def test_audience_survives_storage_as_json() -> None:
    audience = Audience(AudienceKind.ROLES, roles=(Role.HOUSEHOLD_HEAD, Role.GRID_WORKER))

    assert Audience.from_json(audience.as_json()) == audience


@pytest.mark.parametrize(("mime", "name", "allowed"), [
    ("application/pdf", "a.bin", True), (None, "账目.XLSX", True), ("application/msword", "a.doc", False),
    (None, "noextension", False), ("image/png", "x.png", False),
])
def test_only_pdf_and_xlsx_files_may_be_attached(mime: str | None, name: str, allowed: bool) -> None:
    assert allowed_document(mime, name) is allowed


@pytest.mark.usefixtures("roster")
async def test_notice_to_two_groups_is_addressed_to_exactly_their_members(database: Database,
                                                                           clock: ManualClock) -> None:
    notice_id = await publish(database, clock, Audience(AudienceKind.GROUPS, await group_ids(database, "一组", "二组")))

    assert await recipients(database, notice_id) == {"张阿婆", "张小明", "王大伯", "赵阿姨"}


@pytest.mark.usefixtures("roster")
async def test_notice_to_roles_is_addressed_to_exactly_the_holders(database: Database, clock: ManualClock) -> None:
    audience = Audience(AudienceKind.ROLES, roles=(Role.GROUP_LEADER, Role.SUPERVISOR))

    notice_id = await publish(database, clock, audience)

    assert await recipients(database, notice_id) == {"赵阿姨", "吴监督"}


@pytest.mark.usefixtures("roster")
async def test_notice_to_a_grid_includes_its_grid_worker(database: Database, clock: ManualClock) -> None:
    async with database.transaction() as store:
        grid = next(g for g in await store.places.grids(1) if g.name == "一网格")

    notice_id = await publish(database, clock, Audience(AudienceKind.GRIDS, (grid.id,)))

    assert await recipients(database, notice_id) == {"张阿婆", "张小明", "王大伯", "赵阿姨", "孙网格"}


@pytest.mark.usefixtures("roster")
async def test_notice_to_the_village_reaches_everyone_in_it_and_nobody_elsewhere(database: Database,
                                                                                 clock: ManualClock) -> None:
    notice_id = await publish(database, clock, Audience(AudienceKind.VILLAGE))

    addressed = await recipients(database, notice_id)

    assert len(addressed) == 9
    assert "陈村民" not in addressed


@pytest.mark.usefixtures("roster")
@pytest.mark.parametrize("phone", [ALICE, SUPERVISOR, CM_SECRETARY])
async def test_only_the_village_cadres_may_publish(database: Database, clock: ManualClock, phone: str) -> None:
    author = await actor(database, phone)
    draft = NoticeDraft(1, NoticeCategory.NOTICE, "通知", Audience(AudienceKind.VILLAGE))

    async with services(database, clock) as s:
        with pytest.raises(PermissionDeniedError):
            await s.notices.publish(author, draft)


@pytest.mark.usefixtures("roster")
async def test_a_group_of_another_village_is_refused(database: Database, clock: ManualClock) -> None:
    async with database.transaction() as store:
        foreign = (await store.places.groups(2))[0]

    with pytest.raises(NotFoundError):
        await publish(database, clock, Audience(AudienceKind.GROUPS, (foreign.id,)))


@pytest.mark.usefixtures("roster")
@pytest.mark.parametrize(("text", "code"), [("   ", ErrorCode.NOTICE_EMPTY), ("字" * 2001, ErrorCode.NOTICE_TOO_LONG)])
async def test_empty_or_too_long_text_is_refused(database: Database, clock: ManualClock, text: str,
                                                 code: ErrorCode) -> None:
    with pytest.raises(InvalidInputError) as refused:
        await publish(database, clock, Audience(AudienceKind.VILLAGE), text=text)

    assert refused.value.code is code


@pytest.mark.usefixtures("roster")
async def test_an_audience_with_nobody_in_it_is_refused(database: Database, clock: ManualClock) -> None:
    with pytest.raises(InvalidInputError) as refused:
        await publish(database, clock, Audience(AudienceKind.ROLES, roles=(Role.REPRESENTATIVE,)), by=CM_SECRETARY)

    assert refused.value.code is ErrorCode.AUDIENCE_NOBODY


@pytest.mark.usefixtures("roster")
async def test_publishing_is_audited(database: Database, clock: ManualClock) -> None:
    notice_id = await publish(database, clock, Audience(AudienceKind.VILLAGE))

    async with database.transaction() as store:
        entries = await store.audit.entries(1, None)

    entry = next(e for e in entries if e.action == "notice.publish")
    assert entry.target == f"notice:{notice_id}"
    assert entry.after == {"category": "notice", "audience": {"kind": "village", "ids": [], "roles": []},
                           "recipients": 9}


@pytest.mark.usefixtures("roster")
class FakeMeetings:
    """Stands for the consultation capability: meeting 7 has sign-ups in two villages (one forged)."""

    def __init__(self, signed_up: Sequence[int]) -> None:
        self.signed_up = signed_up

    async def meeting_choices(self, actor: Actor, village_id: int) -> Sequence[MeetingChoice]:
        return [MeetingChoice(7, "村民议事会", datetime(2026, 11, 20, 9, tzinfo=SHANGHAI))]

    async def signed_up_people(self, actor: Actor, meeting_id: int) -> Sequence[int]:
        return self.signed_up if meeting_id == 7 else []


@pytest.mark.usefixtures("roster")
async def test_a_meeting_audience_is_its_sign_ups_within_the_village(database: Database, clock: ManualClock) -> None:
    alice, zhao, outsider = [await person_by_phone(database, p) for p in (ALICE, ZHAO, CM_RESIDENT)]
    author = await actor(database, SECRETARY)
    draft = NoticeDraft(1, NoticeCategory.NOTICE, "会议改期", Audience(AudienceKind.MEETING, (7,)))

    async with database.transaction() as store:
        base = Services(store, clock, VillageSettings())
        notices = NoticeService(store, clock, base.audit, base.settings.notices, quiet_hours=base.settings.quiet_hours,
                                zone=SHANGHAI, meetings=FakeMeetings([alice.id, zhao.id, outsider.id]))
        notice = await notices.publish(author, draft)
        addressed = await store.notices.recipient_ids(notice.id)

    assert await names(database, addressed) == {"张阿婆", "赵阿姨"}


@pytest.mark.usefixtures("roster")
async def test_muted_activities_are_not_delivered_but_official_notices_are(database: Database,
                                                                          clock: ManualClock) -> None:
    await bind(database, clock, ALICE, 1001)
    await bind(database, clock, MING, 1002)
    alice = await actor(database, ALICE)
    async with services(database, clock) as s:
        await s.notices.set_muted(alice, NoticeCategory.ACTIVITY, True)
    groups = Audience(AudienceKind.GROUPS, await group_ids(database, "一组"))
    activity = await publish(database, clock, groups, category=NoticeCategory.ACTIVITY)
    official = await publish(database, clock, groups, category=NoticeCategory.PUBLIC_AFFAIRS)

    async with services(database, clock) as s:
        to_activity = [i.external_id for i in await s.notices.deliveries(await s.notices.open(alice, activity))]
        to_official = [i.external_id for i in await s.notices.deliveries(await s.notices.open(alice, official))]

    assert to_activity == ["1002"]
    assert to_official == ["1001", "1002"]


@pytest.mark.usefixtures("roster")
@pytest.mark.parametrize("category", [NoticeCategory.PUBLIC_AFFAIRS, NoticeCategory.NOTICE, NoticeCategory.URGENT])
async def test_official_and_urgent_notices_cannot_be_muted(database: Database, clock: ManualClock,
                                                           category: NoticeCategory) -> None:
    alice = await actor(database, ALICE)

    async with services(database, clock) as s:
        with pytest.raises(InvalidInputError) as refused:
            await s.notices.set_muted(alice, category, True)
        muted = await s.notices.muted_categories(alice)

    assert refused.value.code is ErrorCode.CATEGORY_NOT_MUTABLE
    assert muted == frozenset()


@pytest.mark.usefixtures("roster")
async def test_archive_holds_my_notices_and_public_affairs_newest_first(database: Database,
                                                                       clock: ManualClock) -> None:
    first = await publish(database, clock, Audience(AudienceKind.GROUPS, await group_ids(database, "一组")), text="一")
    clock.advance(timedelta(hours=1))
    await publish(database, clock, Audience(AudienceKind.GROUPS, await group_ids(database, "三组")), text="二")
    clock.advance(timedelta(hours=1))
    public = await publish(database, clock, Audience(AudienceKind.GROUPS, await group_ids(database, "三组")),
                           category=NoticeCategory.PUBLIC_AFFAIRS, text="三")
    await publish(database, clock, Audience(AudienceKind.VILLAGE), category=NoticeCategory.PUBLIC_AFFAIRS,
                  by=CM_SECRETARY, text="崇明")

    alice = await actor(database, ALICE)

    async with services(database, clock) as s:
        page = await s.notices.archive(alice, 0)

    assert [n.id for n in page.items] == [public, first]
    assert (page.total, page.pages) == (2, 1)


@pytest.mark.usefixtures("roster")
async def test_archive_pages_hold_at_most_the_page_size(database: Database, clock: ManualClock) -> None:
    for number in range(7):  # the page size is 5
        clock.advance(timedelta(minutes=1))
        await publish(database, clock, Audience(AudienceKind.VILLAGE), text=f"第{number}条")
    alice = await actor(database, ALICE)

    async with services(database, clock) as s:
        second = await s.notices.archive(alice, 1)
        beyond = await s.notices.archive(alice, 99)

    assert [n.text for n in second.items] == ["第1条", "第0条"]
    assert (second.page, second.pages) == (1, 2)
    assert beyond.page == 1


@pytest.mark.usefixtures("roster")
async def test_a_notice_not_addressed_to_me_cannot_be_opened(database: Database, clock: ManualClock) -> None:
    notice_id = await publish(database, clock, Audience(AudienceKind.GROUPS, await group_ids(database, "三组")))
    alice, outsider, supervisor = [await actor(database, p) for p in (ALICE, CM_SECRETARY, SUPERVISOR)]

    async with services(database, clock) as s:
        with pytest.raises(NotFoundError):
            await s.notices.open(alice, notice_id)
        with pytest.raises(NotFoundError):
            await s.notices.open(outsider, notice_id)
        seen_by_supervisor = await s.notices.open(supervisor, notice_id)

    assert seen_by_supervisor.id == notice_id


@pytest.mark.usefixtures("roster")
async def test_my_notices_list_only_mine_with_their_figures(database: Database, clock: ManualClock) -> None:
    await bind(database, clock, ALICE, 1001)
    mine = await publish(database, clock, Audience(AudienceKind.GROUPS, await group_ids(database, "一组")))
    await publish(database, clock, Audience(AudienceKind.VILLAGE), by=DIRECTOR)
    secretary = await actor(database, SECRETARY)

    async with services(database, clock) as s:
        await _queue(s, mine)
        page = await s.notices.mine(secretary, 1, 0)

    assert [n.id for n in page.items] == [mine]
    assert (page.figures[0].total, page.figures[0].pending) == (1, 1)


async def _queue(s: Services, notice_id: int) -> None:
    notice = await s.notices.open(Actor.operator("tests"), notice_id)
    await deliver(Notifier(s, Catalogs.load(), "zh_CN"), s, notice)


@pytest.mark.usefixtures("roster")
async def test_count_tells_people_accounts_and_muted(database: Database, clock: ManualClock) -> None:
    await bind(database, clock, ALICE, 1001)
    await bind(database, clock, MING, 1002)
    ming, secretary = await actor(database, MING), await actor(database, SECRETARY)
    async with services(database, clock) as s:
        await s.notices.set_muted(ming, NoticeCategory.ACTIVITY, True)
    audience = Audience(AudienceKind.GROUPS, await group_ids(database, "一组"))

    async with services(database, clock) as s:
        activity = await s.notices.count(secretary, NoticeDraft(1, NoticeCategory.ACTIVITY, "x", audience))
        notice = await s.notices.count(secretary, NoticeDraft(1, NoticeCategory.NOTICE, "x", audience))

    assert (activity.people, activity.accounts, activity.muted) == (3, 2, 1)
    assert (notice.people, notice.accounts, notice.muted) == (3, 2, 0)


@pytest.mark.usefixtures("roster")
async def test_notices_composed_at_night_are_held_until_quiet_hours_end(database: Database,
                                                                       clock: ManualClock) -> None:
    clock.set(datetime(2026, 11, 2, 22, 30, tzinfo=SHANGHAI))

    async with services(database, clock) as s:
        held = s.notices.held_until(NoticeCategory.ACTIVITY)
        urgent = s.notices.held_until(NoticeCategory.URGENT)

    assert held == datetime(2026, 11, 3, 8, 0, tzinfo=SHANGHAI)
    assert urgent is None


@pytest.mark.usefixtures("roster")
async def test_month_figures_count_the_month_in_local_time(database: Database, clock: ManualClock) -> None:
    clock.set(datetime(2026, 10, 31, 23, 30, tzinfo=SHANGHAI))
    await publish(database, clock, Audience(AudienceKind.VILLAGE), category=NoticeCategory.PUBLIC_AFFAIRS)
    clock.set(datetime(2026, 11, 1, 0, 30, tzinfo=SHANGHAI))
    await publish(database, clock, Audience(AudienceKind.GROUPS, await group_ids(database, "一组")))

    async with services(database, clock) as s:
        october = await s.notices.month_figures(1, 2026, 10)
        november = await s.notices.month_figures(1, 2026, 11)

    assert (october.notices, october.people, dict(october.by_category)) == (1, 9, {NoticeCategory.PUBLIC_AFFAIRS: 1})
    assert (november.notices, november.people) == (1, 3)


@pytest.mark.usefixtures("roster")
async def test_each_reader_gets_the_notice_in_their_language_once_per_key(database: Database,
                                                                         clock: ManualClock) -> None:
    await bind(database, clock, ALICE, 1001, locale="en")
    await bind(database, clock, MING, 1002)
    author = await actor(database, SECRETARY)
    group = Audience(AudienceKind.GROUPS, await group_ids(database, "一组"))
    draft = NoticeDraft(1, NoticeCategory.URGENT, "明天停水", group, translations={"en": "No water tomorrow"})
    async with services(database, clock) as s:
        notice = await s.notices.publish(author, draft)
        first = await deliver(Notifier(s, Catalogs.load(), "zh_CN"), s, notice)
        again = await deliver(Notifier(s, Catalogs.load(), "zh_CN"), s, notice)

    async with database.transaction() as store:
        items = await store.outbox.claim(clock.now(), 10)

    queued = {i.chat_ref: (i.payload["text"], i.priority, i.batch) for i in items}
    assert (first, again) == (2, 0)
    assert queued == {
        "1001": ("🚨 [Urgent] 和美村\nNo water tomorrow", Priority.NORMAL, f"notice:{notice.id}"),
        "1002": ("🚨【紧急】和美村\n明天停水", Priority.NORMAL, f"notice:{notice.id}"),
    }


@pytest.mark.usefixtures("roster")
@pytest.mark.parametrize(("category", "important"), [(NoticeCategory.URGENT, True), (NoticeCategory.NOTICE, False)])
async def test_only_an_urgent_notice_is_queued_as_important(database: Database, clock: ManualClock,
                                                            category: NoticeCategory, important: bool) -> None:
    await bind(database, clock, MING, 1002)
    author = await actor(database, SECRETARY)
    group = Audience(AudienceKind.GROUPS, await group_ids(database, "一组"))
    async with services(database, clock) as s:
        notice = await s.notices.publish(author, NoticeDraft(1, category, "明天停水", group))
        await deliver(Notifier(s, Catalogs.load(), "zh_CN"), s, notice)

    async with database.transaction() as store:
        [item] = await store.outbox.claim(clock.now() + timedelta(days=1), 10)

    assert (item.kind, item.important, item.resend_safe) == (MessageKind.NOTICE_BROADCAST, important, False)
