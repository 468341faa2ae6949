"""Assessing households: drafts, publication, revisions, permissions, and conventions that change later."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event

from storage.database import Database
from tests.convention import BUILDING, GARBAGE, actor, add_convention, clause, group_id, household_id, services
from tests.factories import OPERATOR, load_roster
from village.clock import ManualClock
from village.convention.assessments import GroupSheet, Published
from village.convention.models import Convention
from village.convention.periods import PeriodKind
from village.convention.rules import Face
from village.convention.scores import ScoreView
from village.convention.spec import DEFAULT_CONVENTION, ClauseSpec
from village.errors import ConflictError, ErrorCode, InvalidInputError, NotFoundError, PermissionDeniedError

SECRETARY, LEADER_2, RESIDENT, CM_SECRETARY = "13800000009", "13800000004", "13800000001", "13900000009"


@pytest.fixture
async def convention(database: Database, clock: ManualClock) -> Convention:
    await load_roster(database, clock)
    await add_convention(database, clock, "CM01")
    return await add_convention(database, clock, "FX01")


async def draft(database: Database, clock: ManualClock, label: str, cuts: dict[int, int], *,
                by: str = SECRETARY, period: str = "2026-11", reason: str = "门前堆物") -> None:
    who, household = await actor(database, by), await household_id(database, label)
    async with services(database, clock) as s:
        await s.assessments.save_draft(who, household, period, deductions=cuts, reasons=dict.fromkeys(cuts, reason))


async def publish(database: Database, clock: ManualClock, group: str, *, by: str = SECRETARY,
                  include_missing: bool = False) -> list[Published]:
    who, group_ref = await actor(database, by), await group_id(database, group)
    async with services(database, clock) as s:
        return await s.assessments.publish(who, group_ref, "2026-11", include_missing=include_missing)


async def sheet(database: Database, clock: ManualClock, group: str, *, by: str = SECRETARY) -> GroupSheet:
    who, group_ref = await actor(database, by), await group_id(database, group)
    async with services(database, clock) as s:
        return await s.assessments.group_sheet(who, group_ref, "2026-11")


async def test_draft_scores_the_total_and_face(database: Database, clock: ManualClock,
                                               convention: Convention) -> None:
    await draft(database, clock, "1-01", {clause(convention, GARBAGE): 5, clause(convention, BUILDING): 15})

    shown = await sheet(database, clock, "一组")

    result = shown.lines[0].assessment
    assert result is not None
    assert (result.total, result.face, result.is_published) == (80, Face.FLAT, False)
    assert [h.label for h in shown.missing] == ["1-02"]


async def test_publish_with_missing_households_needs_confirmation(database: Database, clock: ManualClock,
                                                                  convention: Convention) -> None:
    await draft(database, clock, "1-01", {})

    with pytest.raises(ConflictError) as refused:
        await publish(database, clock, "一组")
    published = await publish(database, clock, "一组", include_missing=True)

    assert refused.value.code is ErrorCode.MISSING_HOUSEHOLDS
    assert [(p.household.label, p.assessment.face, p.assessment.released_fen) for p in published] == [
        ("1-01", Face.SMILE, 5_000)]
    assert [h.name for h in published[0].heads] == ["张阿婆"]


async def test_failing_result_withholds_the_retained_share_and_opens_tasks(
        database: Database, clock: ManualClock, convention: Convention) -> None:
    await draft(database, clock, "1-01", {clause(convention, GARBAGE): 20, clause(convention, BUILDING): 15})
    await draft(database, clock, "1-02", {})

    published = await publish(database, clock, "一组")

    failing = published[0]
    assert (failing.assessment.total, failing.assessment.face) == (65, Face.CRY)
    assert (failing.assessment.released_fen, failing.assessment.withheld_fen) == (2_500, 2_500)
    assert [t.clause_name for t in failing.tasks] == [GARBAGE, BUILDING]
    assert published[1].tasks == ()


async def test_nothing_to_publish_is_refused(database: Database, clock: ManualClock, convention: Convention) -> None:
    with pytest.raises(ConflictError) as refused:
        await publish(database, clock, "一组", include_missing=True)

    assert refused.value.code is ErrorCode.NOTHING_TO_PUBLISH


async def test_published_result_cannot_be_drafted_again(database: Database, clock: ManualClock,
                                                        convention: Convention) -> None:
    await draft(database, clock, "3-01", {})
    await publish(database, clock, "三组")

    with pytest.raises(ConflictError) as refused:
        await draft(database, clock, "3-01", {clause(convention, GARBAGE): 5})

    assert refused.value.code is ErrorCode.ASSESSMENT_PUBLISHED


@pytest.mark.parametrize(("cuts", "reason", "code"), [
    ({"garbage": 25}, "x", ErrorCode.DEDUCTION_TOO_LARGE),
    ({"garbage": -5}, "x", ErrorCode.DEDUCTION_TOO_LARGE),
    ({"garbage": 5}, "  ", ErrorCode.CONVENTION_REASON_REQUIRED),
    ({"unknown": 5}, "x", ErrorCode.CONVENTION_UNKNOWN_CLAUSE),
    ({"garbage": 5}, "很长" * 200, ErrorCode.CONVENTION_TEXT_TOO_LONG),
])
async def test_bad_deductions_are_refused_and_change_nothing(
        database: Database, clock: ManualClock, convention: Convention, cuts: dict[str, int], reason: str,
        code: ErrorCode) -> None:
    ids = {"garbage": clause(convention, GARBAGE), "unknown": 999}

    with pytest.raises(InvalidInputError) as refused:
        await draft(database, clock, "1-01", {ids[k]: v for k, v in cuts.items()}, reason=reason)

    assert refused.value.code is code
    assert len((await sheet(database, clock, "一组")).missing) == 2


@pytest.mark.parametrize("period", ["2026-12", "2026-Q4", "2026-13"])
async def test_future_or_wrong_kind_of_period_is_refused(database: Database, clock: ManualClock,
                                                         convention: Convention, period: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        await draft(database, clock, "1-01", {}, period=period)

    assert refused.value.code is ErrorCode.CONVENTION_WRONG_PERIOD


async def test_group_leader_assesses_only_their_own_group(database: Database, clock: ManualClock,
                                                          convention: Convention) -> None:
    leader = await actor(database, LEADER_2)

    with pytest.raises(PermissionDeniedError) as other_group:
        await draft(database, clock, "1-01", {}, by=LEADER_2)
    with pytest.raises(PermissionDeniedError) as own_household:  # 二组's one household is her own (回避)
        await draft(database, clock, "2-01", {}, by=LEADER_2)
    async with services(database, clock) as s:
        groups = await s.assessments.groups(leader)

    assert [g.name for g in groups] == ["二组"]
    assert (other_group.value.code, own_household.value.code) == (ErrorCode.PERMISSION_DENIED, ErrorCode.OWN_HOUSEHOLD)


@pytest.mark.parametrize("phone", [RESIDENT, "13800000006", "13800000011"])
async def test_residents_grid_workers_and_supervisors_cannot_assess(database: Database, clock: ManualClock,
                                                                    convention: Convention, phone: str) -> None:
    with pytest.raises(PermissionDeniedError):
        await draft(database, clock, "1-01", {}, by=phone)


async def test_cadre_of_another_village_cannot_assess_or_see_groups_here(
        database: Database, clock: ManualClock, convention: Convention) -> None:
    with pytest.raises(PermissionDeniedError):
        await draft(database, clock, "1-01", {}, by=CM_SECRETARY)
    with pytest.raises(NotFoundError):
        await sheet(database, clock, "一组", by=CM_SECRETARY)


async def test_revision_is_audited_with_before_and_after(database: Database, clock: ManualClock,
                                                         convention: Convention) -> None:
    garbage = clause(convention, GARBAGE)
    await draft(database, clock, "3-01", {clause(convention, BUILDING): 15, garbage: 20})
    published = await publish(database, clock, "三组")
    secretary = await actor(database, SECRETARY)

    async with services(database, clock) as s:
        revised = await s.assessments.revise(secretary, published[0].assessment.id, deductions={garbage: 5},
                                             reasons={garbage: "复核后只有一次"}, note="复核")
    async with services(database, clock) as s:
        entries = [e for e in await s.audit.entries(OPERATOR, None, None) if e.action == "assessment.revise"]

    assert (revised.assessment.total, revised.assessment.face, revised.assessment.released_fen) == (
        95, Face.SMILE, 5_000)
    assert entries[0].before is not None
    assert entries[0].before["total"] == 65
    assert entries[0].after is not None
    assert entries[0].after["total"] == 95
    assert entries[0].after["reason"] == "复核"
    assert revised.tasks == ()


async def test_revision_needs_a_cadre_and_a_reason(database: Database, clock: ManualClock,
                                                   convention: Convention) -> None:
    await draft(database, clock, "1-01", {})
    published = await publish(database, clock, "一组", include_missing=True)
    leader, secretary = await actor(database, LEADER_2), await actor(database, SECRETARY)

    async with services(database, clock) as s:
        with pytest.raises(PermissionDeniedError):
            await s.assessments.revise(leader, published[0].assessment.id, deductions={}, reasons={}, note="改")
        with pytest.raises(InvalidInputError):
            await s.assessments.revise(secretary, published[0].assessment.id, deductions={}, reasons={}, note=" ")


async def test_new_convention_never_rewrites_published_periods(database: Database, clock: ManualClock,
                                                               convention: Convention) -> None:
    await draft(database, clock, "3-01", {clause(convention, GARBAGE): 10})
    await publish(database, clock, "三组")
    stricter = DEFAULT_CONVENTION.model_copy(update={"annual_reward": DEFAULT_CONVENTION.annual_reward * 2, "clauses": (
        ClauseSpec(name="垃圾分类", points=50), ClauseSpec(name="文明乡风", points=50))})
    resident = await actor(database, "13800000005")

    newer = await add_convention(database, clock, "FX01", stricter)
    async with services(database, clock) as s:
        score = await s.scores.score(resident)

    assert newer.version == 2
    assert score.latest is not None
    assert (score.latest.total, score.latest.released_fen, score.latest.convention_id) == (90, 5_000, convention.id)
    assert score.convention is not None
    assert score.convention.version == 1


async def test_month_figures_count_the_period(database: Database, clock: ManualClock, convention: Convention) -> None:
    await draft(database, clock, "1-01", {clause(convention, BUILDING): 15, clause(convention, GARBAGE): 20})
    await draft(database, clock, "1-02", {})
    await draft(database, clock, "2-01", {})
    await publish(database, clock, "一组")

    async with services(database, clock) as s:
        figures = await s.assessments.month_figures(convention.village_id, 2026, 11)
        empty = await s.assessments.month_figures(convention.village_id, 2026, 10)

    assert (figures.households, figures.assessed, figures.published, figures.outstanding) == (4, 3, 2, 2)
    assert figures.faces == {"smile": 1, "flat": 0, "cry": 1}
    assert figures.appeals_open == 0
    assert (empty.assessed, empty.outstanding) == (0, 4)


async def test_quarterly_village_assesses_and_counts_by_quarter(database: Database, clock: ManualClock,
                                                                convention: Convention) -> None:
    quarterly = DEFAULT_CONVENTION.model_copy(update={"period": PeriodKind.QUARTERLY})
    await add_convention(database, clock, "CM01", quarterly)
    cm_secretary, household = await actor(database, CM_SECRETARY), await household_id(database, "E-01")
    group = await group_id(database, "东一组")

    async with services(database, clock) as s:
        periods = await s.assessments.periods(cm_secretary)
        await s.assessments.save_draft(cm_secretary, household, "2026-Q4", deductions={}, reasons={})
        published = await s.assessments.publish(cm_secretary, group, "2026-Q4")
        figures = await s.assessments.month_figures(published[0].assessment.village_id, 2026, 12)

    assert [p.code for p in periods] == ["2026-Q4", "2026-Q3", "2026-Q2"]
    assert published[0].assessment.released_fen == 15_000
    assert (figures.published, figures.faces["smile"]) == (1, 1)


async def published_score_read_later(database: Database, clock: ManualClock, convention: Convention,
                                     later: timedelta) -> tuple[ScoreView, list[str]]:
    """Publish 3-01's result with a 10-point deduction; `later` on, return its resident's /score and the
    statements (BEGIN aside) that reading it ran."""
    await draft(database, clock, "3-01", {clause(convention, GARBAGE): 10})
    await publish(database, clock, "三组")
    resident = await actor(database, "13800000005")
    clock.advance(later)
    statements: list[str] = []
    event.listen(database.engine.sync_engine, "before_cursor_execute", lambda *a: statements.append(str(a[2])))

    async with services(database, clock) as s:
        score = await s.scores.score(resident)
    return score, [s for s in statements if not s.startswith("BEGIN")]


async def test_score_reads_its_results_once_and_counts_only_the_year_in_the_reward(
        database: Database, clock: ManualClock, convention: Convention) -> None:
    score, statements = await published_score_read_later(database, clock, convention, timedelta(0))

    assert score.latest is not None
    assert score.latest.period == "2026-11"
    assert [p.total for p in score.trend][-1:] == [90]
    assert (score.released_fen, score.withheld_fen) == (5_000, 0)
    # household, convention with clauses (its version is the same: not read again), results with deductions,
    # tasks, appeal
    assert len(statements) == 5, statements


async def test_score_still_shows_a_result_older_than_the_trend_and_the_year(
        database: Database, clock: ManualClock, convention: Convention) -> None:
    score, statements = await published_score_read_later(database, clock, convention, timedelta(days=800))

    assert score.latest is not None
    assert score.latest.period == "2026-11"
    assert score.latest.deductions[0].points == 10
    assert all(p.total is None for p in score.trend)
    assert (score.year, score.released_fen, score.withheld_fen) == (2029, 0, 0)
    # the same five reads: the one read of results brings the latest of any period too
    assert len(statements) == 5, statements
