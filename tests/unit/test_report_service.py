"""The report service over a real database: routing, permissions, the loop, reminders, figures."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import date, timedelta
from typing import TypeVar

import pytest
from sqlalchemy import event

from storage.database import Database
from tests.factories import OPERATOR, load_roster, make_media, person_by_phone
from village.clock import ManualClock
from village.errors import ConflictError, ErrorCode, PermissionDeniedError, ReportLimitError, VillageError
from village.geo import Datum
from village.media import MediaKind, StoredMedia
from village.people import Actor
from village.reports import GeoPoint, Rating, Report, ReportDraft, ReportStatus, StatusFilter
from village.reports.views import QueueFilter
from village.services import Services
from village.settings import ReportPolicy, VillageSettings

T = TypeVar("T")
HERE = GeoPoint(30.92, 121.47, Datum.WGS84)
PHOTO = StoredMedia(1, MediaKind.PHOTO, 1000, "image/jpeg")  # the kept file every test's village starts with


@pytest.fixture
async def village(database: Database, clock: ManualClock) -> Database:
    await load_roster(database, clock)
    assert (await make_media(database, clock)).id == PHOTO.id
    return database


@asynccontextmanager
async def services(database: Database, clock: ManualClock,
                   policy: ReportPolicy | None = None) -> AsyncIterator[Services]:
    async with database.transaction() as store:
        yield Services(store, clock, VillageSettings(reports=policy or ReportPolicy()))


async def act(database: Database, clock: ManualClock, work: Callable[[Services], Awaitable[T]]) -> T:
    async with services(database, clock) as s:
        return await work(s)


async def actor(database: Database, phone: str) -> Actor:
    return Actor.of(await person_by_phone(database, phone))


async def file(database: Database, clock: ManualClock, phone: str = "13800000001", **draft: object) -> Report:
    reporter = await actor(database, phone)
    fields = {"category": "垃圾/环境卫生", "text": "路边垃圾堆了三天", **draft}
    filed = await act(database, clock, lambda s: s.reports.file(reporter, ReportDraft(**fields)))  # type: ignore[arg-type]
    return filed.report


async def test_report_goes_to_the_grid_worker_of_the_reporters_grid(village: Database, clock: ManualClock) -> None:
    reporter = await actor(village, "13800000001")
    worker = await person_by_phone(village, "13800000006")

    filed = await act(village, clock, lambda s: s.reports.file(reporter, ReportDraft(
        "垃圾/环境卫生", "路边垃圾", photos=(PHOTO,), point=HERE)))

    assert filed.report.code == "FX01-2611-0001"
    assert filed.report.assignee_id == worker.id
    assert filed.handlers == (worker.id,)
    assert filed.report.status is ReportStatus.SUBMITTED
    assert [m.media.id for m in filed.media] == [PHOTO.id]


async def test_report_from_a_grid_without_worker_goes_to_the_cadres(village: Database, clock: ManualClock) -> None:
    secretary = await person_by_phone(village, "13800000009")
    director = await person_by_phone(village, "13800000010")

    report = await file(village, clock, "13800000005")
    filed_again = await act(village, clock, lambda s: s.reports.staff_view(OPERATOR, report.id))

    assert report.assignee_id is None
    assert filed_again.assignee is None
    cadres = await act(village, clock, lambda s: s.reports._cadres(report.village_id))
    assert {p.id for p in cadres} == {secretary.id, director.id}


async def test_codes_count_per_village_and_month(village: Database, clock: ManualClock) -> None:
    first = await file(village, clock)
    second = await file(village, clock, "13800000003")
    other_village = await file(village, clock, "13900000001")
    clock.advance(timedelta(days=30))
    next_month = await file(village, clock)

    assert [first.code, second.code] == ["FX01-2611-0001", "FX01-2611-0002"]
    assert other_village.code == "CM01-2611-0001"
    assert next_month.code == "FX01-2612-0001"


async def test_a_number_taken_meanwhile_is_retried(village: Database, clock: ManualClock,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    await file(village, clock)
    from storage.reports import ReportRepository

    original = ReportRepository._next_sequence
    calls: list[int] = []

    async def stale_then_fresh(self: ReportRepository, village_id: int, month: str) -> int:
        calls.append(1)
        return 1 if len(calls) == 1 else await original(self, village_id, month)  # 1 is taken: a lost race

    monkeypatch.setattr(ReportRepository, "_next_sequence", stale_then_fresh)

    second = await file(village, clock, "13800000003")

    assert second.code == "FX01-2611-0002"
    assert len(calls) == 2


async def test_daily_limit_refuses_the_next_report_until_tomorrow(village: Database, clock: ManualClock) -> None:
    reporter = await actor(village, "13800000001")
    policy = ReportPolicy(max_per_day=2)
    for _ in range(2):
        async with services(village, clock, policy) as s:
            await s.reports.file(reporter, ReportDraft("其他", "问题"))

    with pytest.raises(ReportLimitError):
        async with services(village, clock, policy) as s:
            await s.reports.file(reporter, ReportDraft("其他", "问题"))
    clock.advance(timedelta(hours=14))  # past midnight in Shanghai
    async with services(village, clock, policy) as s:
        await s.reports.check_quota(reporter)


async def test_description_needs_text_or_voice(village: Database, clock: ManualClock) -> None:
    with pytest.raises(VillageError) as refused:
        await file(village, clock, text="   ")

    assert refused.value.code is ErrorCode.REPORT_NO_DESCRIPTION


async def test_nearby_open_reports_of_the_same_category_are_found(village: Database, clock: ManualClock) -> None:
    near = await file(village, clock, point=GeoPoint(30.9205, 121.47, Datum.WGS84))
    await file(village, clock, point=GeoPoint(30.95, 121.47, Datum.WGS84))
    await file(village, clock, category="绿化", point=HERE)
    neighbour = await actor(village, "13800000003")

    found = await act(village, clock, lambda s: s.reports.nearby(neighbour, "垃圾/环境卫生", HERE))

    assert [r.id for r in found] == [near.id]


async def test_following_counts_once_and_shows_in_my_reports(village: Database, clock: ManualClock) -> None:
    report = await file(village, clock)
    neighbour = await actor(village, "13800000003")

    await act(village, clock, lambda s: s.reports.follow(neighbour, report.id))
    followed = await act(village, clock, lambda s: s.reports.follow(neighbour, report.id))
    mine = await act(village, clock, lambda s: s.reports.mine(neighbour))

    assert followed.followers == 1
    assert [r.id for r in mine] == [report.id]


async def test_cross_village_follow_is_refused(village: Database, clock: ManualClock) -> None:
    report = await file(village, clock)
    stranger = await actor(village, "13900000001")

    with pytest.raises(PermissionDeniedError):
        await act(village, clock, lambda s: s.reports.follow(stranger, report.id))


@pytest.mark.parametrize("phone", ["13800000001", "13800000003", "13900000009", "13800000011"])
async def test_only_the_assignee_and_cadres_may_handle(village: Database, clock: ManualClock, phone: str) -> None:
    report = await file(village, clock)
    someone = await actor(village, phone)  # reporter, neighbour, other village's secretary, supervisor

    with pytest.raises(PermissionDeniedError):
        await act(village, clock, lambda s: s.reports.accept(someone, report.id))


async def test_the_loop_from_accept_to_a_satisfied_rating(village: Database, clock: ManualClock) -> None:
    report = await file(village, clock)
    worker, reporter = await actor(village, "13800000006"), await actor(village, "13800000001")

    accepted = await act(village, clock, lambda s: s.reports.accept(worker, report.id))
    await act(village, clock, lambda s: s.reports.consult(worker, report.id, "村委会、保洁公司"))
    await act(village, clock, lambda s: s.reports.start(worker, report.id))
    resolved = await act(village, clock, lambda s: s.reports.resolve(worker, report.id, "已清运", PHOTO))
    rated = await act(village, clock, lambda s: s.reports.rate(reporter, report.id, Rating.SATISFIED))
    view = await act(village, clock, lambda s: s.reports.staff_view(worker, report.id))
    audit = await act(village, clock, lambda s: s.audit.entries(OPERATOR, report.village_id, None))

    assert accepted.report.deadline_at is not None
    assert accepted.audience == (report.reporter_id,)
    assert resolved.report.status is ReportStatus.RESOLVED
    assert resolved.report.resolution_note == "已清运"
    assert rated.report.status is ReportStatus.CLOSED
    assert rated.report.rating is Rating.SATISFIED
    assert [e.kind for e in view.events] == ["filed", "accept", "consult", "start", "resolve", "rate_satisfied"]
    assert [e.action for e in audit if e.target == f"report:{report.id}"] == [
        "report.accept", "report.consult", "report.start", "report.resolve"]


async def test_unsatisfied_reopens_and_alerts_assignee_and_secretary(village: Database, clock: ManualClock) -> None:
    report = await file(village, clock)
    worker, reporter = await actor(village, "13800000006"), await actor(village, "13800000001")
    secretary = await person_by_phone(village, "13800000009")
    await act(village, clock, lambda s: s.reports.accept(worker, report.id))
    await act(village, clock, lambda s: s.reports.resolve(worker, report.id, "已清运"))

    reopened = await act(village, clock, lambda s: s.reports.rate(reporter, report.id, Rating.UNSATISFIED))
    note = await act(village, clock, lambda s: s.reports.rating_note(reporter, report.id, "还有一半没清"))

    assert reopened.report.status is ReportStatus.IN_PROGRESS
    assert reopened.report.reopened == 1
    assert reopened.alert == (report.assignee_id, secretary.id)
    assert note.note == "还有一半没清"


async def test_a_closure_note_needs_words(village: Database, clock: ManualClock) -> None:
    report = await file(village, clock)
    worker = await actor(village, "13800000006")
    await act(village, clock, lambda s: s.reports.accept(worker, report.id))

    with pytest.raises(VillageError) as refused:
        await act(village, clock, lambda s: s.reports.resolve(worker, report.id, "👍"))

    assert refused.value.code is ErrorCode.REPORT_TEXT_NO_WORDS


async def test_a_new_closure_round_starts_unrated_with_its_own_photo(village: Database, clock: ManualClock) -> None:
    report = await file(village, clock)
    worker, reporter = await actor(village, "13800000006"), await actor(village, "13800000001")
    await act(village, clock, lambda s: s.reports.accept(worker, report.id))
    await act(village, clock, lambda s: s.reports.resolve(worker, report.id, "已清运", PHOTO))
    reopened = await act(village, clock, lambda s: s.reports.rate(reporter, report.id, Rating.UNSATISFIED))

    again = await act(village, clock, lambda s: s.reports.resolve(worker, report.id, "全部清走了"))
    view = await act(village, clock, lambda s: s.reports.staff_view(worker, report.id))

    assert reopened.report.resolution_note == ""
    assert again.report.rating is None
    assert again.report.resolution_note == "全部清走了"
    assert [m.shown_with(again.report) for m in view.media if m.purpose.value == "resolution"] == [False]


async def test_only_the_reporter_may_rate(village: Database, clock: ManualClock) -> None:
    report = await file(village, clock)
    worker, neighbour = await actor(village, "13800000006"), await actor(village, "13800000003")
    await act(village, clock, lambda s: s.reports.accept(worker, report.id))
    await act(village, clock, lambda s: s.reports.resolve(worker, report.id, "已清运"))

    with pytest.raises(PermissionDeniedError):
        await act(village, clock, lambda s: s.reports.rate(neighbour, report.id, Rating.SATISFIED))


async def test_a_stale_action_is_refused(village: Database, clock: ManualClock) -> None:
    report = await file(village, clock)
    worker = await actor(village, "13800000006")
    await act(village, clock, lambda s: s.reports.accept(worker, report.id))

    with pytest.raises(ConflictError):
        await act(village, clock, lambda s: s.reports.accept(worker, report.id))


async def test_reassign_moves_the_report_and_the_right_to_handle(village: Database, clock: ManualClock) -> None:
    report = await file(village, clock)
    worker, secretary = await actor(village, "13800000006"), await actor(village, "13800000009")
    director = await person_by_phone(village, "13800000010")

    moved = await act(village, clock, lambda s: s.reports.reassign(secretary, report.id, director.id))

    assert moved.report.assignee_id == director.id
    with pytest.raises(PermissionDeniedError):
        await act(village, clock, lambda s: s.reports.accept(worker, report.id))


async def test_merge_makes_the_reporter_follow_the_original(village: Database, clock: ManualClock) -> None:
    original = await file(village, clock)
    duplicate = await file(village, clock, "13800000003")
    worker = await actor(village, "13800000006")

    merged = await act(village, clock, lambda s: s.reports.merge(worker, duplicate.id, original.id))
    followers = await act(village, clock, lambda s: s.store.reports.followers(original.id))

    assert merged.report.status is ReportStatus.MERGED
    assert merged.report.merged_into_id == original.id
    assert followers == [duplicate.reporter_id]


async def test_merge_into_itself_or_a_closed_report_is_refused(village: Database, clock: ManualClock) -> None:
    report = await file(village, clock)
    other = await file(village, clock, "13800000003")
    worker = await actor(village, "13800000006")
    await act(village, clock, lambda s: s.reports.reject(worker, other.id, "不属于村里管"))

    with pytest.raises(VillageError) as itself:
        await act(village, clock, lambda s: s.reports.merge(worker, report.id, report.id))
    with pytest.raises(VillageError) as finished:
        await act(village, clock, lambda s: s.reports.merge(worker, report.id, other.id))

    assert itself.value.code is ErrorCode.REPORT_MERGE_SELF
    assert finished.value.code is ErrorCode.REPORT_NOT_OPEN


async def test_anonymous_reporter_is_hidden_and_each_reveal_audited(village: Database, clock: ManualClock) -> None:
    report = await file(village, clock, anonymous=True)
    worker, secretary = await actor(village, "13800000006"), await actor(village, "13800000009")
    supervisor = await actor(village, "13800000011")

    worker_view = await act(village, clock, lambda s: s.reports.staff_view(worker, report.id))
    cadre_view = await act(village, clock, lambda s: s.reports.staff_view(secretary, report.id))
    name = await act(village, clock, lambda s: s.reports.reveal_reporter(secretary, report.id))
    await act(village, clock, lambda s: s.reports.reveal_reporter(supervisor, report.id))
    audit = await act(village, clock, lambda s: s.audit.entries(OPERATOR, report.village_id, None))

    assert worker_view.reporter is None
    assert not worker_view.can_reveal
    assert cadre_view.reporter is None
    assert cadre_view.can_reveal
    assert name == "张阿婆"
    reveals = [e for e in audit if e.action == "report.reveal_reporter"]
    assert [(e.actor_label, e.target) for e in reveals] == [
        (secretary.label, f"report:{report.id}"), (supervisor.label, f"report:{report.id}")]
    with pytest.raises(PermissionDeniedError):
        await act(village, clock, lambda s: s.reports.reveal_reporter(worker, report.id))


async def test_queue_shows_the_village_to_cadres_and_own_reports_to_grid_workers(
        village: Database, clock: ManualClock) -> None:
    mine = await file(village, clock)
    await file(village, clock, "13800000005")  # grid without worker: the cadres'
    worker, secretary = await actor(village, "13800000006"), await actor(village, "13800000009")
    other_cadre = await actor(village, "13900000009")

    worker_queue = await act(village, clock, lambda s: s.reports.queue(worker, QueueFilter(), 0, 8))
    cadre_queue = await act(village, clock, lambda s: s.reports.queue(secretary, QueueFilter(), 0, 8))
    green = await act(village, clock, lambda s: s.reports.queue(secretary, QueueFilter(category="绿化"), 0, 8))
    closed = await act(village, clock, lambda s: s.reports.queue(
        secretary, QueueFilter(status=StatusFilter.CLOSED), 0, 8))
    elsewhere = await act(village, clock, lambda s: s.reports.queue(other_cadre, QueueFilter(), 0, 8))

    assert [r.id for r in worker_queue.reports] == [mine.id]
    assert cadre_queue.total == 2
    assert green.total == 0
    assert closed.total == 0
    assert elsewhere.total == 0


async def test_queue_filters_overdue_reports(village: Database, clock: ManualClock) -> None:
    late = await file(village, clock)
    secretary = await actor(village, "13800000009")
    clock.advance(timedelta(days=1, minutes=1))
    await file(village, clock, "13800000003")

    page = await act(village, clock, lambda s: s.reports.queue(secretary, QueueFilter(overdue=True), 0, 8))

    assert [r.id for r in page.reports] == [late.id]
    assert page.overdue_ids == {late.id}


async def test_on_behalf_report_is_the_residents_and_records_the_filer(village: Database, clock: ManualClock) -> None:
    worker = await actor(village, "13800000006")
    resident = await person_by_phone(village, "13800000004")

    found = await act(village, clock, lambda s: s.reports.find_residents(worker, "赵"))
    filed = await act(village, clock, lambda s: s.reports.file(worker, ReportDraft("其他", "电话反映"),
                                                               reporter_id=resident.id))
    audit = await act(village, clock, lambda s: s.audit.entries(OPERATOR, resident.village_id, None))

    assert [(m.person.name, m.group, m.household) for m in found] == [("赵阿姨", "二组", "2-01")]
    assert filed.report.reporter_id == resident.id
    assert filed.report.filed_by_id == worker.person_id
    assert filed.report.on_behalf
    assert any(e.action == "report.file_for" for e in audit)


async def test_residents_cannot_file_for_others(village: Database, clock: ManualClock) -> None:
    resident = await actor(village, "13800000001")
    other = await person_by_phone(village, "13800000003")

    with pytest.raises(PermissionDeniedError):
        await act(village, clock, lambda s: s.reports.file(resident, ReportDraft("其他", "x"), reporter_id=other.id))


async def test_overdue_reminder_then_escalation_each_once(village: Database, clock: ManualClock) -> None:
    report = await file(village, clock)  # Monday 10:00; accept due Tuesday 10:00
    secretary = await person_by_phone(village, "13800000009")

    clock.advance(timedelta(days=1, hours=1))
    first = await act(village, clock, lambda s: s.reports.chase_overdue(clock.now()))
    again = await act(village, clock, lambda s: s.reports.chase_overdue(clock.now()))
    clock.advance(timedelta(days=1))
    second = await act(village, clock, lambda s: s.reports.chase_overdue(clock.now()))
    third = await act(village, clock, lambda s: s.reports.chase_overdue(clock.now() + timedelta(days=3)))

    assert [(c.kind, c.recipients) for c in first] == [("overdue-accept", (report.assignee_id,))]
    assert again == []
    assert [(c.kind, c.recipients) for c in second] == [("escalate-accept", (secretary.id,))]
    assert third == []


async def test_resolve_deadline_lapses_by_category(village: Database, clock: ManualClock) -> None:
    report = await file(village, clock)  # 垃圾/环境卫生: 3 working days
    worker = await actor(village, "13800000006")
    await act(village, clock, lambda s: s.reports.accept(worker, report.id))

    early = await act(village, clock, lambda s: s.reports.chase_overdue(clock.now() + timedelta(days=2)))
    late = await act(village, clock, lambda s: s.reports.chase_overdue(clock.now() + timedelta(days=3)))

    assert early == []
    assert [c.kind for c in late] == ["overdue-resolve"]


async def test_feedback_reminder_then_auto_close(village: Database, clock: ManualClock) -> None:
    report = await file(village, clock)
    worker = await actor(village, "13800000006")
    await act(village, clock, lambda s: s.reports.accept(worker, report.id))
    await act(village, clock, lambda s: s.reports.resolve(worker, report.id, "已清运"))

    clock.advance(timedelta(days=3))
    reminded, closed_early = await act(village, clock, lambda s: s.reports.chase_feedback(clock.now()))
    clock.advance(timedelta(days=4))
    again, closed = await act(village, clock, lambda s: s.reports.chase_feedback(clock.now()))
    after, none = await act(village, clock, lambda s: s.reports.chase_feedback(clock.now()))

    assert [c.recipients for c in reminded] == [(report.reporter_id,)]
    assert closed_early == []
    assert again == []
    assert [c.report.status for c in closed] == [ReportStatus.CLOSED]
    assert after == []
    assert none == []


async def test_month_figures_of_a_village(village: Database, clock: ManualClock) -> None:
    report = await file(village, clock)
    await file(village, clock, category="绿化")
    await file(village, clock, "13900000001")  # another village
    worker, reporter = await actor(village, "13800000006"), await actor(village, "13800000001")
    await act(village, clock, lambda s: s.reports.accept(worker, report.id))
    clock.advance(timedelta(hours=5))
    await act(village, clock, lambda s: s.reports.resolve(worker, report.id, "已清运"))
    await act(village, clock, lambda s: s.reports.rate(reporter, report.id, Rating.BASIC))

    figures = await act(village, clock, lambda s: s.reports.month_figures(report.village_id, 2026, 11))
    december = await act(village, clock, lambda s: s.reports.month_figures(report.village_id, 2026, 12))

    assert (figures.new, figures.accepted, figures.resolved, figures.closed) == (2, 1, 1, 1)
    assert figures.by_category == {"垃圾/环境卫生": 1, "绿化": 1}
    assert figures.satisfaction_rate == 1.0
    assert figures.median_hours_to_resolve == 5.0
    assert december.new == 0


async def test_export_hides_anonymous_reporters(village: Database, clock: ManualClock) -> None:
    await file(village, clock, anonymous=True)
    await file(village, clock, "13800000003")

    rows = await act(village, clock, lambda s: s.reports.export(OPERATOR, "FX01", 2026, 11))

    assert [r.reporter for r in rows] == [None, "王大伯"]


async def test_queue_pages_through_many_reports(village: Database, clock: ManualClock) -> None:
    for _ in range(9):
        await file(village, clock)
    secretary = await actor(village, "13800000009")

    first = await act(village, clock, lambda s: s.reports.queue(secretary, QueueFilter(), 0, 4))
    last = await act(village, clock, lambda s: s.reports.queue(secretary, QueueFilter(), 2, 4))
    beyond = await act(village, clock, lambda s: s.reports.queue(secretary, QueueFilter(), 7, 4))

    assert (first.total, first.pages, len(first.reports)) == (9, 3, 4)
    assert [r.code for r in last.reports] == ["FX01-2611-0009"]
    assert (beyond.page, beyond.total, [r.code for r in beyond.reports]) == (2, 9, ["FX01-2611-0009"])


async def test_a_queue_page_comes_with_its_total_in_one_statement(village: Database, clock: ManualClock) -> None:
    for _ in range(5):
        await file(village, clock)
    secretary = await actor(village, "13800000009")
    statements: list[str] = []
    event.listen(village.engine.sync_engine, "before_cursor_execute",
                 lambda *a: statements.append(str(a[2])) if "FROM reports" in str(a[2]) else None)

    second = await act(village, clock, lambda s: s.reports.queue(secretary, QueueFilter(), 1, 4))

    assert (second.total, second.pages, second.page, len(second.reports)) == (5, 2, 1, 1)
    assert len(statements) == 1, statements


async def test_deadlines_skip_the_configured_local_holidays(village: Database, clock: ManualClock) -> None:
    reporter = await actor(village, "13800000001")
    policy = ReportPolicy(local_holidays=(date(2026, 11, 3),))  # the Tuesday after filing

    async with services(village, clock, policy) as s:
        filed = await s.reports.file(reporter, ReportDraft("垃圾/环境卫生", "路边垃圾"))

    assert filed.report.accept_due_at == clock.now() + timedelta(days=2)  # Wednesday, same time


async def test_a_gcj02_report_at_the_same_place_is_found_nearby_a_wgs84_point(village: Database,
                                                                             clock: ManualClock) -> None:
    # As WeChat would send it: the same spot, its numbers about 480 m off from Telegram's.
    twin = HERE.to(Datum.GCJ02)
    from_wechat = await file(village, clock, point=twin)
    neighbour = await actor(village, "13800000003")

    found = await act(village, clock, lambda s: s.reports.nearby(neighbour, "垃圾/环境卫生", HERE))

    assert [(r.id, r.point) for r in found] == [(from_wechat.id, twin)]
