"""The convention's pure rules: periods, faces at every threshold edge, reward shares over a year, 和美宅基."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from village.convention.periods import Period, PeriodKind, period_of_month, periods_of_year
from village.convention.rules import (
    Face,
    FaceThresholds,
    GroupReward,
    HomesteadTerms,
    RectificationStatus,
    RectificationStep,
    RewardTerms,
    Standard,
    appeal_deadline,
    face_for,
    group_reward,
    homestead_passes,
    parse_standard,
    period_amount,
    period_reward,
    rectification_after,
    upward_closed,
)
from village.errors import ConflictError

THRESHOLDS = FaceThresholds(smile_min=90, flat_min=70)
MONTHLY_TERMS = RewardTerms(annual_fen=60_000, retained_percent=50, passing=frozenset({Face.SMILE, Face.FLAT}))


@pytest.mark.parametrize(("total", "face"), [
    (100, Face.SMILE), (90, Face.SMILE), (89, Face.FLAT), (70, Face.FLAT), (69, Face.CRY), (0, Face.CRY),
    (-5, Face.CRY),
])
def test_face_at_each_threshold_edge(total: int, face: Face) -> None:
    assert face_for(total, THRESHOLDS) is face


def test_equal_thresholds_leave_no_flat_face() -> None:
    thresholds = FaceThresholds(smile_min=80, flat_min=80)

    assert [face_for(t, thresholds) for t in (80, 79)] == [Face.SMILE, Face.CRY]


def test_thresholds_out_of_order_are_refused() -> None:
    with pytest.raises(ValueError, match="flat_min"):
        FaceThresholds(smile_min=60, flat_min=70)


@pytest.mark.parametrize(("code", "expected"), [
    ("2026-11", Period(2026, 11, PeriodKind.MONTHLY)), ("2026-1", Period(2026, 1, PeriodKind.MONTHLY)),
    ("2026-Q4", Period(2026, 4, PeriodKind.QUARTERLY)), ("2026-q1", Period(2026, 1, PeriodKind.QUARTERLY)),
])
def test_period_codes_parse(code: str, expected: Period) -> None:
    assert Period.parse(code) == expected


@pytest.mark.parametrize("code", ["2026-13", "2026-00", "2026-Q5", "26-11", "November", ""])
def test_bad_period_codes_are_refused(code: str) -> None:
    with pytest.raises(ValueError, match="period"):
        Period.parse(code)


def test_periods_step_across_years() -> None:
    december, q4 = Period.parse("2026-12"), Period.parse("2026-Q4")

    assert december.next().code == "2027-01"
    assert q4.next().code == "2027-Q1"
    assert Period.parse("2027-01").previous() == december
    assert q4.last_day == date(2026, 12, 31)
    assert Period.parse("2026-02").last_day == date(2026, 2, 28)


def test_due_period_is_the_latest_that_ended() -> None:
    assert Period.due(date(2026, 12, 1), PeriodKind.MONTHLY).code == "2026-11"
    assert Period.due(date(2026, 11, 30), PeriodKind.MONTHLY).code == "2026-10"
    assert Period.due(date(2027, 1, 1), PeriodKind.QUARTERLY).code == "2026-Q4"
    assert Period.due(date(2026, 12, 1), PeriodKind.QUARTERLY).code == "2026-Q3"


def test_recent_lists_periods_oldest_first() -> None:
    assert [p.code for p in Period.parse("2027-02").recent(4)] == ["2026-11", "2026-12", "2027-01", "2027-02"]
    assert period_of_month(2026, 11, PeriodKind.QUARTERLY).code == "2026-Q4"


@pytest.mark.parametrize(("kind", "annual"), [(PeriodKind.MONTHLY, 60_000), (PeriodKind.MONTHLY, 60_007),
                                               (PeriodKind.QUARTERLY, 60_000), (PeriodKind.QUARTERLY, 1_003)])
def test_period_amounts_add_up_to_the_year_to_the_fen(kind: PeriodKind, annual: int) -> None:
    amounts = [period_amount(annual, p) for p in periods_of_year(2026, kind)]

    assert sum(amounts) == annual
    assert max(amounts) - min(amounts) <= 1


def test_monthly_year_releases_passing_months_and_withholds_failed_retained_shares() -> None:
    faces = [Face.SMILE] * 9 + [Face.FLAT, Face.CRY, Face.CRY]

    rewards = [period_reward(MONTHLY_TERMS, p, f) for p, f in zip(periods_of_year(2026, PeriodKind.MONTHLY), faces,
                                                                 strict=True)]

    assert [r.released for r in rewards] == [5_000] * 10 + [2_500, 2_500]
    assert sum(r.withheld for r in rewards) == 5_000
    assert sum(r.released for r in rewards) + sum(r.withheld for r in rewards) == 60_000


def test_quarterly_year_withholds_only_the_retained_share_of_a_failed_quarter() -> None:
    terms = RewardTerms(annual_fen=120_000, retained_percent=40, passing=frozenset({Face.SMILE}))
    faces = [Face.SMILE, Face.FLAT, Face.SMILE, Face.CRY]

    rewards = [period_reward(terms, p, f) for p, f in zip(periods_of_year(2026, PeriodKind.QUARTERLY), faces,
                                                         strict=True)]

    assert [(r.released, r.withheld) for r in rewards] == [(30_000, 0), (18_000, 12_000), (30_000, 0),
                                                           (18_000, 12_000)]


def test_whole_reward_retained_means_a_failed_period_releases_nothing() -> None:
    terms = RewardTerms(annual_fen=1_200, retained_percent=100, passing=frozenset({Face.SMILE}))

    reward = period_reward(terms, Period.parse("2026-11"), Face.FLAT)

    assert (reward.released, reward.withheld) == (0, 100)


def test_passing_faces_must_be_upward_closed() -> None:
    assert upward_closed({Face.SMILE})
    assert upward_closed({Face.SMILE, Face.FLAT})
    assert not upward_closed({Face.FLAT})
    assert not upward_closed({Face.SMILE, Face.CRY})


def test_homestead_passes_with_enough_standards() -> None:
    all_but_one = {s: s is not Standard.GREENERY for s in Standard}

    assert homestead_passes(dict.fromkeys(Standard, True), 6)
    assert not homestead_passes(all_but_one, 6)
    assert homestead_passes(all_but_one, 5)
    assert not homestead_passes({}, 1)


def test_standards_are_named_in_chinese_or_english() -> None:
    assert parse_standard("清群租") is Standard.NO_GROUP_RENTING
    assert parse_standard("greenery") is Standard.GREENERY
    with pytest.raises(ValueError, match="Standard"):
        parse_standard("美丽庭院")


def test_group_reward_before_during_and_after_spot_checks() -> None:
    terms = HomesteadTerms(reward_fen=1_000_000, pass_min=6, reduction_percent=30)

    assert group_reward(terms, None, 0) == GroupReward(1_000_000, 0, 0, 1_000_000)
    assert (group_reward(terms, False, 0).released, group_reward(terms, False, 0).withheld) == (0, 1_000_000)
    assert group_reward(terms, True, 0).released == 1_000_000
    assert (group_reward(terms, True, 1).released, group_reward(terms, True, 1).withheld) == (700_000, 300_000)
    assert group_reward(terms, True, 4).released == 0


def test_appeal_deadline_counts_days_from_publication() -> None:
    published = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)

    assert appeal_deadline(published, 15) == published + timedelta(days=15)


ALLOWED = {
    (RectificationStatus.OPEN, RectificationStep.REPORT): RectificationStatus.REPORTED,
    (RectificationStatus.NOT_FIXED, RectificationStep.REPORT): RectificationStatus.REPORTED,
    (RectificationStatus.OPEN, RectificationStep.PASS): RectificationStatus.FIXED,
    (RectificationStatus.REPORTED, RectificationStep.PASS): RectificationStatus.FIXED,
    (RectificationStatus.OPEN, RectificationStep.FAIL): RectificationStatus.NOT_FIXED,
    (RectificationStatus.REPORTED, RectificationStep.FAIL): RectificationStatus.NOT_FIXED,
    (RectificationStatus.OPEN, RectificationStep.CANCEL): RectificationStatus.CANCELLED,
    (RectificationStatus.REPORTED, RectificationStep.CANCEL): RectificationStatus.CANCELLED,
    (RectificationStatus.NOT_FIXED, RectificationStep.CANCEL): RectificationStatus.CANCELLED,
}


@pytest.mark.parametrize("move", sorted(ALLOWED))
def test_rectification_allowed_moves(move: tuple[RectificationStatus, RectificationStep]) -> None:
    assert rectification_after(*move) is ALLOWED[move]


@pytest.mark.parametrize("move", sorted((s, t) for s in RectificationStatus for t in RectificationStep
                                        if (s, t) not in ALLOWED))
def test_rectification_refused_moves(move: tuple[RectificationStatus, RectificationStep]) -> None:
    with pytest.raises(ConflictError):
        rectification_after(*move)
