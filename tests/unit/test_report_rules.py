"""Pure rules of reports: the state machine, working days, distances, codes, text limits, figures."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from village.errors import ConflictError, ErrorCode, InvalidInputError
from village.geo import Datum, GeoPoint
from village.reports import ReportAction, ReportStatus, allowed, handling_actions, next_status
from village.reports.figures import compute_figures
from village.reports.model import Milestone, Report, ReportEvent
from village.reports.rules import (
    add_working_days,
    clean_text,
    distance_m,
    is_overdue,
    local_day_start,
    month_bounds,
    month_of,
    nearest,
    report_code,
)

S, A = ReportStatus, ReportAction
ZONE = ZoneInfo("Asia/Shanghai")

ALLOWED = {
    (S.SUBMITTED, A.ACCEPT): S.ACCEPTED,
    (S.SUBMITTED, A.REJECT): S.REJECTED,
    (S.SUBMITTED, A.MERGE): S.MERGED,
    (S.SUBMITTED, A.REASSIGN): S.SUBMITTED,
    (S.SUBMITTED, A.COMMENT): S.SUBMITTED,
    (S.ACCEPTED, A.CONSULT): S.CONSULTING,
    (S.ACCEPTED, A.START): S.IN_PROGRESS,
    (S.ACCEPTED, A.RESOLVE): S.RESOLVED,
    (S.ACCEPTED, A.REJECT): S.REJECTED,
    (S.ACCEPTED, A.MERGE): S.MERGED,
    (S.ACCEPTED, A.REASSIGN): S.ACCEPTED,
    (S.ACCEPTED, A.COMMENT): S.ACCEPTED,
    (S.CONSULTING, A.START): S.IN_PROGRESS,
    (S.CONSULTING, A.RESOLVE): S.RESOLVED,
    (S.CONSULTING, A.MERGE): S.MERGED,
    (S.CONSULTING, A.REASSIGN): S.CONSULTING,
    (S.CONSULTING, A.COMMENT): S.CONSULTING,
    (S.IN_PROGRESS, A.CONSULT): S.CONSULTING,
    (S.IN_PROGRESS, A.RESOLVE): S.RESOLVED,
    (S.IN_PROGRESS, A.MERGE): S.MERGED,
    (S.IN_PROGRESS, A.REASSIGN): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.COMMENT): S.IN_PROGRESS,
    (S.RESOLVED, A.RATE_SATISFIED): S.CLOSED,
    (S.RESOLVED, A.RATE_BASIC): S.CLOSED,
    (S.RESOLVED, A.RATE_UNSATISFIED): S.IN_PROGRESS,
    (S.RESOLVED, A.AUTO_CLOSE): S.CLOSED,
    (S.RESOLVED, A.COMMENT): S.RESOLVED,
    (S.CLOSED, A.COMMENT): S.CLOSED,
    (S.REJECTED, A.COMMENT): S.REJECTED,
    (S.MERGED, A.COMMENT): S.MERGED,
}
REFUSED = [(s, a) for s in ReportStatus for a in ReportAction if (s, a) not in ALLOWED]


@pytest.mark.parametrize(("status", "action"), sorted(ALLOWED))
def test_allowed_transition_leads_to_its_status(status: ReportStatus, action: ReportAction) -> None:
    target = next_status(status, action)

    assert target is ALLOWED[(status, action)]
    assert allowed(status, action)


@pytest.mark.parametrize(("status", "action"), REFUSED)
def test_refused_transition_raises_a_conflict(status: ReportStatus, action: ReportAction) -> None:
    with pytest.raises(ConflictError) as refused:
        next_status(status, action)

    assert refused.value.code is ErrorCode.REPORT_WRONG_STATE
    assert not allowed(status, action)


def test_handling_buttons_follow_the_table() -> None:
    assert handling_actions(S.SUBMITTED) == (A.ACCEPT, A.REJECT, A.REASSIGN, A.MERGE, A.COMMENT)
    assert handling_actions(S.IN_PROGRESS) == (A.CONSULT, A.RESOLVE, A.REASSIGN, A.MERGE, A.COMMENT)
    assert handling_actions(S.CLOSED) == (A.COMMENT,)


def at(day: int, hour: int = 10) -> datetime:
    """A moment in November 2026, Shanghai time; the 2nd is a Monday."""
    return datetime(2026, 11, day, hour, tzinfo=ZONE)


@pytest.mark.parametrize(("start", "days", "expected"), [
    (at(2), 1, at(3)),  # Monday -> Tuesday
    (at(6), 1, at(9)),  # Friday -> Monday, same time
    (at(7, 15), 1, at(10, 0)),  # Saturday counts from Monday 00:00
    (at(8, 23), 1, at(10, 0)),  # Sunday too
    (at(2), 5, at(9)),  # a working week
    (at(2), 0, at(2)),
])
def test_working_days_skip_weekends(start: datetime, days: int, expected: datetime) -> None:
    assert add_working_days(start, days, ZONE) == expected.astimezone(UTC)


def test_code_has_village_month_and_four_digit_sequence() -> None:
    assert report_code("FX01", month_of(at(2), ZONE), 42) == "FX01-2611-0042"


def test_month_follows_the_local_timezone() -> None:
    last_evening = datetime(2026, 10, 31, 23, 30, tzinfo=ZONE)

    assert month_of(last_evening.astimezone(UTC), ZONE) == "2610"
    assert month_of(datetime(2026, 10, 31, 16, 30, tzinfo=UTC), ZONE) == "2611"


def test_haversine_distance_of_a_known_pair() -> None:
    one_milli_degree_north = distance_m(GeoPoint(30.92, 121.47, Datum.WGS84), GeoPoint(30.921, 121.47, Datum.WGS84))

    assert one_milli_degree_north == pytest.approx(111.2, abs=0.5)


def report(report_id: int, point: GeoPoint | None, status: ReportStatus = S.SUBMITTED, **fields: object) -> Report:
    return Report(id=report_id, village_id=1, code=f"FX01-2611-{report_id:04d}", category="绿化", text="",
                  status=status, reporter_id=1, filed_by_id=1, anonymous=False, created_at=at(2),
                  accept_due_at=at(3), point=point, **fields)  # type: ignore[arg-type]


def test_nearest_keeps_reports_within_the_distance_nearest_first() -> None:
    here = GeoPoint(30.92, 121.47, Datum.WGS84)
    far, near = report(1, GeoPoint(30.93, 121.47, Datum.WGS84)), report(2, GeoPoint(30.9015, 121.47, Datum.WGS84))
    nearer = report(3, GeoPoint(30.9205, 121.47, Datum.WGS84))

    found = nearest(here, [far, near, nearer, report(4, None)], within_m=200, limit=5)

    assert [r.id for r in found] == [3]
    assert [r.id for r in nearest(here, [far, near, nearer], within_m=2500, limit=5)] == [3, 1, 2]


def test_overdue_uses_the_current_deadline() -> None:
    submitted = report(1, None)
    active = report(2, None, S.IN_PROGRESS, deadline_at=at(10))

    assert not is_overdue(submitted, at(2, 12))
    assert is_overdue(submitted, at(3))
    assert not is_overdue(active, at(9))
    assert is_overdue(active, at(10))
    assert not is_overdue(report(3, None, S.RESOLVED), at(30))


def test_text_is_tidied_and_limited() -> None:
    assert clean_text("  路灯   坏了 \n\n 三天了 ", 20) == "路灯 坏了\n三天了"
    with pytest.raises(InvalidInputError) as empty:
        clean_text("   ", 20)
    with pytest.raises(InvalidInputError) as long:
        clean_text("长" * 21, 20)

    assert empty.value.code is ErrorCode.REPORT_TEXT_EMPTY
    assert long.value.code is ErrorCode.REPORT_TEXT_TOO_LONG
    assert long.value.params == {"limit": 20, "length": 21}


def test_local_day_and_month_bounds_are_in_shanghai_time() -> None:
    assert local_day_start(at(2, 1), ZONE) == datetime(2026, 11, 1, 16, tzinfo=UTC)
    assert month_bounds(2026, 12, ZONE) == (datetime(2026, 11, 30, 16, tzinfo=UTC),
                                            datetime(2026, 12, 31, 16, tzinfo=UTC))


def event(report_id: int, kind: str, when: datetime, to_status: ReportStatus | None = None) -> ReportEvent:
    return ReportEvent(id=0, report_id=report_id, village_id=1, at=when, kind=kind, actor_id=None,
                       to_status=to_status)


def test_figures_count_the_month() -> None:
    events = [
        event(1, A.ACCEPT, at(2)), event(1, A.RESOLVE, at(3)), event(1, A.RATE_UNSATISFIED, at(4)),
        event(1, A.RESOLVE, at(5)), event(1, A.RATE_SATISFIED, at(6), S.CLOSED), event(2, A.ACCEPT, at(2)),
        event(2, Milestone.OVERDUE, at(20)), event(3, A.RESOLVE, at(4, 12)), event(3, A.AUTO_CLOSE, at(12), S.CLOSED),
    ]
    filed = {1: at(2), 2: at(2), 3: at(4)}

    figures = compute_figures(["绿化", "其他", "绿化"], events, filed)

    assert (figures.new, figures.accepted, figures.resolved, figures.closed) == (3, 2, 2, 2)
    assert (figures.reopened, figures.overdue) == (1, 1)
    assert figures.by_category == {"绿化": 2, "其他": 1}
    assert figures.satisfaction_rate == pytest.approx(0.5)
    assert figures.median_hours_to_resolve == pytest.approx((72 + 2) / 2)


def test_figures_of_an_empty_month_have_no_rates() -> None:
    figures = compute_figures([], [], {})

    assert figures.new == 0
    assert figures.satisfaction_rate is None
    assert figures.median_hours_to_resolve is None


def test_every_action_is_a_known_timeline_kind() -> None:
    assert {a.value for a in ReportAction}.isdisjoint({m.value for m in Milestone})


def test_text_without_words_is_refused_where_words_are_needed() -> None:
    with pytest.raises(InvalidInputError) as emoji:
        clean_text(" 👍 ", 20, words=True)

    assert emoji.value.code is ErrorCode.REPORT_TEXT_NO_WORDS
    assert clean_text("👍", 20) == "👍"
    assert clean_text("路灯坏了👍", 20, words=True) == "路灯坏了👍"
