"""Conflicts of interest (回避): nobody assesses, re-inspects or decides an appeal about their own household."""

from __future__ import annotations

import pytest

from storage.database import Database
from tests.convention import BUILDING, GARBAGE, actor, add_convention, clause, group_id, household_id, services
from tests.factories import ROSTER, load_roster
from village.clock import ManualClock
from village.convention.assessments import Published
from village.convention.models import Convention
from village.errors import ErrorCode, ImportRejectedError, PermissionDeniedError

SECRETARY, MING, LEADER_2 = "13800000009", "13800000002", "13800000004"
MEMBER = "13800000012"  # 张委员, a cadre who lives in 1-01
ROSTER_WITH_MEMBER = [*ROSTER, ["FX01", "和美村", "一网格", "一组", "1-01", "张委员", MEMBER, "cadre:委员"]]


@pytest.fixture
async def published(database: Database, clock: ManualClock) -> tuple[Convention, list[Published]]:
    """一组 published for 2026-11 by the secretary: 1-01 failing, 1-02 full marks."""
    await load_roster(database, clock, ROSTER_WITH_MEMBER)
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


async def refusal(database: Database, clock: ManualClock, phone: str, act: object) -> PermissionDeniedError:
    who = await actor(database, phone)
    async with services(database, clock) as s:
        with pytest.raises(PermissionDeniedError) as refused:
            await act(s, who)  # type: ignore[operator]
    return refused.value


async def test_a_group_leader_cannot_draft_her_own_household(database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)
    await add_convention(database, clock, "FX01")
    own = await household_id(database, "2-01")

    refused = await refusal(database, clock, LEADER_2, lambda s, who: s.assessments.save_draft(
        who, own, "2026-11", deductions={}, reasons={}))

    assert (refused.code, refused.params) == (ErrorCode.OWN_HOUSEHOLD, {"household": "2-01"})


async def test_a_group_leader_cannot_publish_a_batch_holding_her_own_household(database: Database,
                                                                                clock: ManualClock) -> None:
    await load_roster(database, clock)
    await add_convention(database, clock, "FX01")
    own, group = await household_id(database, "2-01"), await group_id(database, "二组")
    secretary = await actor(database, SECRETARY)
    async with services(database, clock) as s:
        await s.assessments.save_draft(secretary, own, "2026-11", deductions={}, reasons={})

    refused = await refusal(database, clock, LEADER_2, lambda s, who: s.assessments.publish(who, group, "2026-11"))
    async with services(database, clock) as s:
        published = await s.assessments.publish(secretary, group, "2026-11")

    assert refused.code is ErrorCode.OWN_HOUSEHOLD
    assert [p.household.label for p in published] == ["2-01"]


async def test_a_cadre_cannot_import_a_row_for_their_own_household(database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock, ROSTER_WITH_MEMBER)
    await add_convention(database, clock, "FX01")
    table = [["village", "period", "group", "household", GARBAGE, "reason"],
             ["FX01", "2026-11", "一组", "1-02", "", ""], ["FX01", "2026-11", "一组", "1-01", "", ""]]

    member = await actor(database, MEMBER)

    async with services(database, clock) as s:
        with pytest.raises(ImportRejectedError) as refused:
            await s.assessments.import_table(member, table)

    assert [(e.row, e.code) for e in refused.value.errors] == [(3, ErrorCode.OWN_HOUSEHOLD)]


async def test_a_cadre_cannot_revise_their_own_households_result(
        database: Database, clock: ManualClock, published: tuple[Convention, list[Published]]) -> None:
    result = published[1][0].assessment

    refused = await refusal(database, clock, MEMBER, lambda s, who: s.assessments.revise(
        who, result.id, deductions={}, reasons={}, note="重新核实"))

    assert refused.code is ErrorCode.OWN_HOUSEHOLD


async def test_nobody_re_inspects_their_own_households_rectification(
        database: Database, clock: ManualClock, published: tuple[Convention, list[Published]]) -> None:
    task = published[1][0].tasks[0]
    ming, secretary = await actor(database, MING), await actor(database, SECRETARY)
    async with services(database, clock) as s:
        await s.rectifications.report_fixed(ming, task.id)

    refused = await refusal(database, clock, MEMBER, lambda s, who: s.rectifications.inspect(who, task.id, fixed=True))
    async with services(database, clock) as s:
        inspected = await s.rectifications.inspect(secretary, task.id, fixed=True)

    assert refused.code is ErrorCode.OWN_HOUSEHOLD
    assert inspected.task.status.value == "fixed"


async def test_nobody_decides_an_appeal_about_their_own_household(
        database: Database, clock: ManualClock, published: tuple[Convention, list[Published]]) -> None:
    ming, secretary = await actor(database, MING), await actor(database, SECRETARY)
    async with services(database, clock) as s:
        filed = await s.appeals.file(ming, published[1][0].assessment.id, "垃圾是邻居放的")

    refused = await refusal(database, clock, MEMBER, lambda s, who: s.appeals.uphold(who, filed.case.appeal.id, "维持"))
    async with services(database, clock) as s:
        decided = await s.appeals.uphold(secretary, filed.case.appeal.id, "维持")

    assert refused.code is ErrorCode.OWN_HOUSEHOLD
    assert decided.case.appeal.status.value == "upheld"
