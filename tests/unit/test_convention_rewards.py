"""The reward ledger, 和美宅基 with spot checks, spreadsheet imports, and convention files."""

from __future__ import annotations

import pytest

from storage.database import Database
from tests.convention import GARBAGE, actor, add_convention, clause, group_id, household_id, services
from tests.factories import OPERATOR, load_roster
from village.clock import ManualClock
from village.convention.models import Convention, HomesteadKind
from village.convention.periods import Period, PeriodKind
from village.convention.rules import Face, Standard
from village.convention.spec import DEFAULT_CONVENTION, parse_convention
from village.errors import ErrorCode, ImportRejectedError, PermissionDeniedError

SECRETARY, SUPERVISOR, RESIDENT = "13800000009", "13800000011", "13800000001"


@pytest.fixture
async def convention(database: Database, clock: ManualClock) -> Convention:
    await load_roster(database, clock)
    await add_convention(database, clock, "CM01")
    return await add_convention(database, clock, "FX01")


async def assess_and_publish(database: Database, clock: ManualClock, group: str, cuts: dict[str, dict[int, int]],
                             period: str = "2026-11") -> None:
    secretary, group_ref = await actor(database, SECRETARY), await group_id(database, group)
    households = {label: await household_id(database, label) for label in cuts}
    async with services(database, clock) as s:
        for label, points in cuts.items():
            await s.assessments.save_draft(secretary, households[label], period, deductions=points,
                                           reasons=dict.fromkeys(points, "查实"))
        await s.assessments.publish(secretary, group_ref, period, include_missing=True)


async def test_ledger_adds_up_released_withheld_and_pending(database: Database, clock: ManualClock,
                                                            convention: Convention) -> None:
    garbage, building = clause(convention, GARBAGE), clause(convention, "不违章搭建")
    await assess_and_publish(database, clock, "一组", {"1-01": {garbage: 20, building: 15}, "1-02": {}}, "2026-10")
    await assess_and_publish(database, clock, "一组", {"1-01": {garbage: 5}}, "2026-11")

    async with services(database, clock) as s:
        ledger = await s.rewards.ledger(OPERATOR, "FX01", 2026)

    rows = {r.household.label: (r.entitled, r.released, r.withheld, r.pending) for r in ledger.households}
    assert rows["1-01"] == (60_000, 7_500, 2_500, 50_000)
    assert rows["1-02"] == (60_000, 5_000, 0, 55_000)
    assert rows["3-01"] == (60_000, 0, 0, 60_000)


@pytest.mark.parametrize("phone", [SECRETARY, SUPERVISOR])
async def test_ledger_is_for_cadres_and_supervisors(database: Database, clock: ManualClock, convention: Convention,
                                                    phone: str) -> None:
    reader, resident = await actor(database, phone), await actor(database, RESIDENT)

    async with services(database, clock) as s:
        ledger = await s.rewards.ledger(reader, "FX01", 2026)
        with pytest.raises(PermissionDeniedError):
            await s.rewards.ledger(resident, "FX01", 2026)

    assert len(ledger.households) == 4


async def test_passing_group_earns_reward_and_failed_spot_check_reduces_it(
        database: Database, clock: ManualClock, convention: Convention) -> None:
    secretary, group = await actor(database, SECRETARY), await group_id(database, "一组")
    all_pass = dict.fromkeys(Standard, True)
    renting = {**all_pass, Standard.NO_GROUP_RENTING: False}

    async with services(database, clock) as s:
        yearly = await s.homesteads.record(secretary, convention.village_id, group, kind=HomesteadKind.ANNUAL,
                                           results=all_pass, notes={})
        checked = await s.homesteads.record(secretary, convention.village_id, group, kind=HomesteadKind.SPOT_CHECK,
                                            results=renting, notes={Standard.NO_GROUP_RENTING: "3号发现群租"})
        ledger = await s.rewards.ledger(secretary, "FX01", 2026)

    assert (yearly.reward.released, yearly.reward.withheld) == (1_000_000, 0)
    assert (checked.reward.released, checked.reward.withheld) == (500_000, 500_000)
    assert checked.spot_checks[0].notes[Standard.NO_GROUP_RENTING] == "3号发现群租"
    standing = next(g for g in ledger.groups if g.group.name == "一组")
    assert standing.reward.released == 500_000
    assert next(g for g in ledger.groups if g.group.name == "二组").reward.pending == 1_000_000


async def test_recording_the_year_again_replaces_it_with_an_audit(database: Database, clock: ManualClock,
                                                                  convention: Convention) -> None:
    secretary, group = await actor(database, SECRETARY), await group_id(database, "二组")
    failing = {**dict.fromkeys(Standard, True), Standard.GREENERY: False}

    async with services(database, clock) as s:
        await s.homesteads.record(secretary, convention.village_id, group, kind=HomesteadKind.ANNUAL,
                                  results=failing, notes={})
        second = await s.homesteads.record(secretary, convention.village_id, group, kind=HomesteadKind.ANNUAL,
                                           results=dict.fromkeys(Standard, True), notes={})
        audit = [e for e in await s.audit.entries(OPERATOR, convention.village_id, None)
                 if e.action == "homestead.annual"]

    assert second.annual is not None
    assert second.annual.passed
    assert second.reward.released == 1_000_000
    assert audit[-1].before is not None
    assert audit[-1].before["passed"] is False


async def test_only_cadres_record_homestead_assessments(database: Database, clock: ManualClock,
                                                        convention: Convention) -> None:
    leader, group = await actor(database, "13800000004"), await group_id(database, "二组")

    async with services(database, clock) as s:
        with pytest.raises(PermissionDeniedError):
            await s.homesteads.record(leader, convention.village_id, group, kind=HomesteadKind.ANNUAL,
                                      results={}, notes={})


IMPORT_HEADER = ["village", "period", "group", "household", "垃圾分类", "不违章搭建", "reason"]


async def test_spreadsheet_with_bad_rows_lists_every_row_and_changes_nothing(
        database: Database, clock: ManualClock, convention: Convention) -> None:
    await assess_and_publish(database, clock, "三组", {"3-01": {}})
    table = [
        [*IMPORT_HEADER, "美丽庭院"],
        ["FX01", "2026-11", "一组", "1-01", "5", "", "垃圾混投", ""],
        ["FX01", "2026-11", "一组", "9-99", "", "", "", ""],
        ["FX01", "2026-11", "一组", "1-02", "25", "", "乱倒", ""],
        ["FX01", "2026-Q4", "一组", "1-02", "", "", "", ""],
        ["FX01", "2026-11", "二组", "2-01", "5", "", "", ""],
        ["FX01", "2026-11", "三组", "3-01", "", "", "", ""],
        ["FX01", "2026-11", "一组", "1-01", "abc", "", "x", ""],
        ["ZZ99", "2026-11", "一组", "1-01", "", "", "", ""],
    ]

    async with services(database, clock) as s:
        with pytest.raises(ImportRejectedError) as refused:
            await s.assessments.import_table(OPERATOR, table)
    async with services(database, clock) as s:
        outstanding = await s.assessments.outstanding(convention.village_id, Period.parse("2026-11"))

    problems = [(e.row, e.code) for e in refused.value.errors]
    assert problems == [
        (1, ErrorCode.ROW_UNKNOWN_CLAUSE), (3, ErrorCode.ROW_UNKNOWN_HOUSEHOLD),
        (4, ErrorCode.ROW_DEDUCTION_TOO_LARGE), (5, ErrorCode.ROW_WRONG_PERIOD), (6, ErrorCode.ROW_REASON_REQUIRED),
        (7, ErrorCode.ROW_ALREADY_PUBLISHED), (8, ErrorCode.ROW_BAD_DEDUCTION), (8, ErrorCode.ROW_DUPLICATE_HOUSEHOLD),
        (9, ErrorCode.ROW_UNKNOWN_VILLAGE),
    ]
    assert {(o.group.name, o.unassessed, o.unpublished) for o in outstanding} == {("一组", 2, 0), ("二组", 1, 0)}


async def test_spreadsheet_import_stores_drafts(database: Database, clock: ManualClock,
                                                convention: Convention) -> None:
    table = [IMPORT_HEADER, ["FX01", "2026-11", "一组", "1-01", "5", "15", "垃圾混投；违建"],
             ["FX01", "2026-11", "一组", "1-02", "", "", ""]]

    async with services(database, clock) as s:
        count = await s.assessments.import_table(OPERATOR, table)
    async with services(database, clock) as s:
        results = await s.store.assessments.in_village(convention.village_id, "2026-11")

    assert count == 2
    assert sorted((r.total, r.face, r.is_published) for r in results) == [(80, Face.FLAT, False),
                                                                          (100, Face.SMILE, False)]


async def test_spreadsheet_import_needs_a_cadre_of_that_village(database: Database, clock: ManualClock,
                                                                convention: Convention) -> None:
    cm_secretary = await actor(database, "13900000009")
    table = [IMPORT_HEADER, ["FX01", "2026-11", "一组", "1-02", "", "", ""]]

    async with services(database, clock) as s:
        with pytest.raises(PermissionDeniedError):
            await s.assessments.import_table(cm_secretary, table)


async def test_template_lists_open_households_with_a_column_per_clause(
        database: Database, clock: ManualClock, convention: Convention) -> None:
    garbage = clause(convention, GARBAGE)
    secretary, first = await actor(database, SECRETARY), await household_id(database, "1-01")
    async with services(database, clock) as s:
        await s.assessments.save_draft(secretary, first, "2026-11", deductions={garbage: 10},
                                       reasons={garbage: "混投"})

    async with services(database, clock) as s:
        table = await s.assessments.template(secretary, "FX01", "一组", "2026-11")

    assert table[0][:5] == ["village", "period", "group", "household", "垃圾分类"]
    assert table[0][-1] == "reason"
    assert table[1][:5] == ["FX01", "2026-11", "一组", "1-01", "10"]
    assert table[1][-1] == "混投"
    assert table[2][3] == "1-02"


def test_convention_file_problems_are_all_listed() -> None:
    data = {"period": "weekly", "faces": {"smile": 90, "flat": 95}, "annual_reward": "-1",
            "clauses": [{"name": "垃圾分类", "points": 0}, {"name": "", "points": 10}]}

    with pytest.raises(ImportRejectedError) as refused:
        parse_convention(data)

    assert {(e.row, e.params.get("field")) for e in refused.value.errors} == {
        (0, "period"), (0, "annual_reward"), (1, "points"), (2, "name")}


def test_convention_file_consistency_is_checked() -> None:
    data = {"faces": {"smile": 120, "flat": 70}, "passing_faces": ["平脸"],
            "clauses": [{"name": "垃圾分类", "points": 50}, {"name": "垃圾分类", "points": 50}]}

    with pytest.raises(ImportRejectedError) as refused:
        parse_convention(data)

    assert [(e.row, e.code) for e in refused.value.errors] == [
        (2, ErrorCode.CONVENTION_DUPLICATE_CLAUSE), (0, ErrorCode.CONVENTION_THRESHOLDS),
        (0, ErrorCode.CONVENTION_PASSING_FACES)]


def test_convention_file_accepts_chinese_names() -> None:
    spec = parse_convention({"period": "季度", "faces": {"smile": 9, "flat": 6}, "passing_faces": ["笑脸"],
                             "annual_reward": "1200.50", "clauses": [{"name": "河道保洁", "points": 10, "step": ""}]})

    assert spec.period is PeriodKind.QUARTERLY
    assert spec.passing_faces == (Face.SMILE,)
    assert spec.clauses[0].deduction_step == 10


def test_default_convention_is_valid_and_has_full_marks_of_100() -> None:
    assert parse_convention(DEFAULT_CONVENTION.model_dump()) == DEFAULT_CONVENTION
    assert DEFAULT_CONVENTION.full_marks == 100


async def test_importing_a_convention_needs_a_cadre_of_the_village(database: Database, clock: ManualClock,
                                                                   convention: Convention) -> None:
    resident = await actor(database, RESIDENT)

    async with services(database, clock) as s:
        with pytest.raises(PermissionDeniedError):
            await s.conventions.import_spec(resident, "FX01", DEFAULT_CONVENTION)
