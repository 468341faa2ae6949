"""Appeals, rectification, and privacy: residents see only their own household; boards only to the group."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage.database import Database
from tests.convention import BUILDING, GARBAGE, actor, add_convention, clause, group_id, household_id, services
from tests.factories import OPERATOR, load_roster
from village.clock import ManualClock
from village.convention.assessments import Published
from village.convention.models import AppealStatus, Convention
from village.convention.rules import Face, RectificationStatus
from village.errors import ConflictError, ErrorCode, InvalidInputError, NotFoundError, PermissionDeniedError

SECRETARY, GRANNY, MING, WANG, SUPERVISOR = "13800000009", "13800000001", "13800000002", "13800000003", "13800000011"


@pytest.fixture
async def published(database: Database, clock: ManualClock) -> tuple[Convention, list[Published]]:
    """一组 published for 2026-11: 1-01 failing (垃圾分类 −20, 不违章搭建 −15), 1-02 full marks."""
    await load_roster(database, clock)
    await add_convention(database, clock, "CM01")
    convention = await add_convention(database, clock, "FX01")
    secretary = await actor(database, SECRETARY)
    cuts = {clause(convention, GARBAGE): 20, clause(convention, BUILDING): 15}
    first, second, group = (await household_id(database, "1-01"), await household_id(database, "1-02"),
                            await group_id(database, "一组"))
    async with services(database, clock) as s:
        await s.assessments.save_draft(secretary, first, "2026-11", deductions=cuts,
                                       reasons=dict.fromkeys(cuts, "垃圾混投"))
        await s.assessments.save_draft(secretary, second, "2026-11", deductions={}, reasons={})
        return convention, await s.assessments.publish(secretary, group, "2026-11")


async def test_household_member_appeals_and_cadres_are_named(database: Database, clock: ManualClock,
                                                             published: tuple[Convention, list[Published]]) -> None:
    ming = await actor(database, MING)

    async with services(database, clock) as s:
        filed = await s.appeals.file(ming, published[1][0].assessment.id, "我们已经分类了")

    assert filed.case.appeal.status is AppealStatus.OPEN
    assert [p.name for p in filed.cadres] == ["李书记", "周主任"]
    assert [p.name for p in filed.supervisors] == ["吴监督"]


async def test_second_appeal_while_one_is_open_is_refused(database: Database, clock: ManualClock,
                                                          published: tuple[Convention, list[Published]]) -> None:
    granny, ming = await actor(database, GRANNY), await actor(database, MING)
    assessment_id = published[1][0].assessment.id
    async with services(database, clock) as s:
        await s.appeals.file(ming, assessment_id, "不对")

    async with services(database, clock) as s:
        with pytest.raises(ConflictError) as refused:
            await s.appeals.file(granny, assessment_id, "也不对")

    assert refused.value.code is ErrorCode.APPEAL_PENDING


async def test_appeal_after_the_deadline_is_refused(database: Database, clock: ManualClock,
                                                    published: tuple[Convention, list[Published]]) -> None:
    granny = await actor(database, GRANNY)
    clock.advance(timedelta(days=15, seconds=1))

    async with services(database, clock) as s:
        with pytest.raises(ConflictError) as refused:
            await s.appeals.file(granny, published[1][0].assessment.id, "不对")

    assert refused.value.code is ErrorCode.APPEAL_TOO_LATE


async def test_another_household_cannot_appeal_or_see_the_result(
        database: Database, clock: ManualClock, published: tuple[Convention, list[Published]]) -> None:
    wang = await actor(database, WANG)

    async with services(database, clock) as s:
        with pytest.raises(PermissionDeniedError):
            await s.appeals.file(wang, published[1][0].assessment.id, "替邻居申诉")
        own = await s.scores.score(wang)

    assert own.latest is not None
    assert own.latest.household_id == published[1][1].household.id


async def test_empty_appeal_is_refused(database: Database, clock: ManualClock,
                                       published: tuple[Convention, list[Published]]) -> None:
    granny = await actor(database, GRANNY)

    async with services(database, clock) as s:
        with pytest.raises(InvalidInputError) as refused:
            await s.appeals.file(granny, published[1][0].assessment.id, "  ")

    assert refused.value.code is ErrorCode.CONVENTION_REASON_REQUIRED


async def test_cadre_upholds_and_the_household_is_told(database: Database, clock: ManualClock,
                                                       published: tuple[Convention, list[Published]]) -> None:
    ming, secretary = await actor(database, MING), await actor(database, SECRETARY)
    async with services(database, clock) as s:
        filed = await s.appeals.file(ming, published[1][0].assessment.id, "不对")

    async with services(database, clock) as s:
        decision = await s.appeals.uphold(secretary, filed.case.appeal.id, "现场有照片")
    async with services(database, clock) as s:
        with pytest.raises(ConflictError):
            await s.appeals.uphold(secretary, filed.case.appeal.id, "再一次")

    assert decision.case.appeal.status is AppealStatus.UPHELD
    assert decision.case.appeal.decision_note == "现场有照片"
    assert sorted(decision.recipients) == sorted({ming.person_id, (await actor(database, GRANNY)).person_id})


async def test_revision_on_appeal_changes_result_and_audits_both(
        database: Database, clock: ManualClock, published: tuple[Convention, list[Published]]) -> None:
    convention, results = published
    ming, secretary = await actor(database, MING), await actor(database, SECRETARY)
    garbage = clause(convention, GARBAGE)
    async with services(database, clock) as s:
        filed = await s.appeals.file(ming, results[0].assessment.id, "只混投过一次")

    async with services(database, clock) as s:
        decision = await s.appeals.revise(secretary, filed.case.appeal.id, deductions={garbage: 5},
                                          reasons={garbage: "混投一次"}, note="核实只有一次")
    async with services(database, clock) as s:
        actions = [e.action for e in await s.audit.entries(OPERATOR, convention.village_id, None)]
        tasks = await s.store.rectifications.of_assessment(results[0].assessment.id)

    assert decision.revised is not None
    assert (decision.revised.assessment.total, decision.revised.assessment.face) == (95, Face.SMILE)
    assert decision.case.appeal.status is AppealStatus.REVISED
    assert {"assessment.revise", "appeal.revised"} <= set(actions)
    assert {t.status for t in tasks} == {RectificationStatus.CANCELLED}


@pytest.mark.parametrize("phone", [SUPERVISOR, "13800000004", "13900000009"])
async def test_only_the_village_cadres_decide_appeals(database: Database, clock: ManualClock,
                                                      published: tuple[Convention, list[Published]],
                                                      phone: str) -> None:
    ming, other = await actor(database, MING), await actor(database, phone)
    async with services(database, clock) as s:
        filed = await s.appeals.file(ming, published[1][0].assessment.id, "不对")

    async with services(database, clock) as s:
        with pytest.raises(PermissionDeniedError):
            await s.appeals.uphold(other, filed.case.appeal.id, "维持")


async def test_rectification_reported_then_inspected(database: Database, clock: ManualClock,
                                                     published: tuple[Convention, list[Published]]) -> None:
    task = published[1][0].tasks[0]
    ming, wang, secretary = await actor(database, MING), await actor(database, WANG), await actor(database, SECRETARY)

    async with services(database, clock) as s:
        with pytest.raises(PermissionDeniedError):
            await s.rectifications.report_fixed(wang, task.id)
        reported = await s.rectifications.report_fixed(ming, task.id)
    async with services(database, clock) as s:
        with pytest.raises(PermissionDeniedError):
            await s.rectifications.inspect(ming, task.id, fixed=True)
        inspected = await s.rectifications.inspect(secretary, task.id, fixed=True)
    async with services(database, clock) as s:
        with pytest.raises(ConflictError):
            await s.rectifications.report_fixed(ming, task.id)

    assert reported.task.status is RectificationStatus.REPORTED
    assert [p.name for p in reported.recipients] == ["李书记"]
    assert inspected.task.status is RectificationStatus.FIXED
    assert [p.name for p in inspected.recipients] == ["张阿婆"]


async def test_unfinished_rectification_shows_in_the_next_period(
        database: Database, clock: ManualClock, published: tuple[Convention, list[Published]]) -> None:
    secretary = await actor(database, SECRETARY)
    group, household = await group_id(database, "一组"), await household_id(database, "1-01")
    clock.advance(timedelta(days=30))

    async with services(database, clock) as s:
        sheet = await s.assessments.group_sheet(secretary, group, "2026-12")
        screen = await s.assessments.household_sheet(secretary, household, "2026-12")

    assert [line.open_tasks for line in sheet.lines] == [2, 0]
    assert [t.clause_name for t in screen.rectifications] == [GARBAGE, BUILDING]


async def test_score_shows_own_result_trend_and_reward(database: Database, clock: ManualClock,
                                                       published: tuple[Convention, list[Published]]) -> None:
    ming = await actor(database, MING)

    async with services(database, clock) as s:
        score = await s.scores.score(ming)

    assert score.household.label == "1-01"
    assert score.latest is not None
    assert score.latest.total == 65
    assert len(score.trend) == 12
    assert score.trend[-1].period.code == "2026-11"
    assert [p.face for p in score.trend][-2:] == [None, Face.CRY]
    assert (score.released_fen, score.withheld_fen) == (2_500, 2_500)
    assert score.can_appeal
    assert len(score.tasks) == 2


async def test_staff_without_a_household_have_no_score(database: Database, clock: ManualClock,
                                                       published: tuple[Convention, list[Published]]) -> None:
    secretary = await actor(database, SECRETARY)

    async with services(database, clock) as s:
        with pytest.raises(PermissionDeniedError) as refused:
            await s.scores.score(secretary)

    assert refused.value.code is ErrorCode.CONVENTION_NO_HOUSEHOLD


async def test_board_shows_faces_to_the_group(database: Database, clock: ManualClock,
                                              published: tuple[Convention, list[Published]]) -> None:
    wang = await actor(database, WANG)

    async with services(database, clock) as s:
        board = await s.scores.board(wang)

    assert board.group.name == "一组"
    assert board.period.code == "2026-11"
    assert [(r.household.label, r.face) for r in board.rows] == [("1-01", Face.CRY), ("1-02", Face.SMILE)]


@pytest.mark.parametrize(("phone", "allowed"), [
    (SECRETARY, True), (SUPERVISOR, True), ("13800000005", False), ("13800000004", False), ("13800000006", False),
])
async def test_board_of_a_group_only_for_its_members_and_village_staff(
        database: Database, clock: ManualClock, published: tuple[Convention, list[Published]], phone: str,
        allowed: bool) -> None:
    who, group = await actor(database, phone), await group_id(database, "一组")

    async with services(database, clock) as s:
        if allowed:
            assert (await s.scores.board(who, group)).published
        else:
            with pytest.raises(PermissionDeniedError):
                await s.scores.board(who, group)


async def test_board_of_another_village_is_not_found(database: Database, clock: ManualClock,
                                                     published: tuple[Convention, list[Published]]) -> None:
    cm_secretary, group = await actor(database, "13900000009"), await group_id(database, "一组")

    async with services(database, clock) as s:
        with pytest.raises(NotFoundError):
            await s.scores.board(cm_secretary, group)


async def test_a_decided_appeal_is_final(database: Database, clock: ManualClock,
                                         published: tuple[Convention, list[Published]]) -> None:
    ming, secretary = await actor(database, MING), await actor(database, SECRETARY)
    assessment_id = published[1][0].assessment.id
    async with services(database, clock) as s:
        filed = await s.appeals.file(ming, assessment_id, "不对")
    async with services(database, clock) as s:
        await s.appeals.uphold(secretary, filed.case.appeal.id, "维持")

    async with services(database, clock) as s:
        with pytest.raises(ConflictError) as refused:
            await s.appeals.file(ming, assessment_id, "还是不对")
        score = await s.scores.score(ming)

    assert refused.value.code is ErrorCode.APPEAL_DECIDED
    assert not score.can_appeal
