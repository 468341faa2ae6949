"""Roster validation and import: every bad row reported, nothing half-written, re-import never duplicates."""

from __future__ import annotations

import pytest

from storage.database import Database
from tests.factories import HEADER, OPERATOR, ROSTER, load_roster, person_by_phone, roster_table
from village.clock import ManualClock
from village.errors import ErrorCode, ImportRejectedError, PermissionDeniedError
from village.people import Actor
from village.roles import Role
from village.roster import parse_rows
from village.services import Services
from village.settings import VillageSettings


def codes(error: ImportRejectedError) -> list[tuple[int, ErrorCode]]:
    return [(e.row, e.code) for e in error.errors]


def test_chinese_headers_and_messy_phones_are_accepted() -> None:
    table = [["村", "网格", "村民小组", "户号", "姓名", "手机号", "角色"],
             ["fx01", "一网格", "一组", "1-01", "张阿婆", "+86 138-0000-0001", "户主;村民代表"]]

    row = parse_rows(table)[0].row

    assert (row.village, row.phone) == ("FX01", "+8613800000001")
    assert {g.role for g in row.roles} == {Role.HOUSEHOLD_HEAD, Role.REPRESENTATIVE}


def test_every_bad_row_is_reported_with_its_number() -> None:
    rows = [list(r) for r in ROSTER[:3]]
    rows[0][6] = "12345"  # bad phone, row 2
    rows[1][7] = "mayor"  # unknown role, row 3
    rows[2][6] = rows[2][6]

    with pytest.raises(ImportRejectedError) as caught:
        parse_rows(roster_table(rows))

    assert codes(caught.value) == [(2, ErrorCode.ROW_BAD_PHONE), (3, ErrorCode.ROW_UNKNOWN_ROLE)]


def test_cross_row_rules_are_checked() -> None:
    rows = [
        ["FX01", "", "一网格", "一组", "1-01", "甲", "13800000001", "household_head"],
        ["FX01", "", "一网格", "一组", "1-01", "乙", "13800000001", "household_head"],  # same phone, 2nd head
        ["FX01", "", "二网格", "一组", "1-02", "丙", "", ""],  # group 一组 now in another grid
        ["FX01", "", "", "", "", "丁", "", "cadre"],  # staff without phone
        ["FX01", "", "", "", "", "戊", "13800000009", ""],  # resident without household
    ]

    with pytest.raises(ImportRejectedError) as caught:
        parse_rows(roster_table(rows))

    assert set(codes(caught.value)) == {
        (3, ErrorCode.ROW_DUPLICATE_PHONE), (3, ErrorCode.ROW_TWO_HEADS), (4, ErrorCode.ROW_PLACE_CONFLICT),
        (5, ErrorCode.ROW_STAFF_PHONE_REQUIRED), (6, ErrorCode.ROW_HOUSEHOLD_REQUIRED),
    }


def test_a_missing_required_column_is_named() -> None:
    with pytest.raises(ImportRejectedError) as caught:
        parse_rows([["village", "grid", "phone"], ["FX01", "一网格", "13800000001"]])

    assert caught.value.errors[0].params == {"columns": "name"}


async def test_import_with_one_bad_row_changes_nothing(database: Database, clock: ManualClock) -> None:
    rows = [list(r) for r in ROSTER]
    rows[-1][6] = "not a phone"

    with pytest.raises(ImportRejectedError):
        await load_roster(database, clock, rows)

    async with database.transaction() as store:
        assert await store.places.villages() == []


async def test_reimport_updates_people_without_duplicating(database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)
    changed = [list(r) for r in ROSTER]
    changed[1][5] = "张晓明"  # renamed; matched by phone
    changed[1][7] = "representative"

    summary = await load_roster(database, clock, changed)

    person = await person_by_phone(database, "13800000002")
    async with database.transaction() as store:
        fx01 = await store.places.village_by_code("FX01")
        assert fx01 is not None
        everyone = await store.people.in_village(fx01.id)
    assert (summary.added, summary.updated, summary.unchanged) == (0, 1, len(ROSTER) - 1)
    assert person.name == "张晓明"
    assert person.has_role(person.village_id, Role.REPRESENTATIVE)
    assert len(everyone) == 9


async def test_phone_already_in_another_village_is_refused(database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)
    moved = [["CM01", "崇明村", "东网格", "东一组", "E-02", "张阿婆", "13800000001", ""]]

    with pytest.raises(ImportRejectedError) as caught:
        await load_roster(database, clock, moved)

    assert codes(caught.value) == [(2, ErrorCode.ROW_PHONE_ELSEWHERE)]


async def test_export_writes_the_import_format_back(database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)

    async with database.transaction() as store:
        table = await Services(store, clock, VillageSettings()).roster.export_table(OPERATOR, "FX01")

    assert table[0] == HEADER
    assert ["FX01", "和美村", "一网格", "一组", "1-01", "张阿婆", "+8613800000001", "household_head;resident"] in table
    assert parse_rows(table)  # re-importable as it is


async def test_only_admins_import(database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)
    cadre = await person_by_phone(database, "13800000009")

    async with database.transaction() as store:
        with pytest.raises(PermissionDeniedError):
            await Services(store, clock, VillageSettings()).roster.import_table(Actor.of(cadre), roster_table())


async def test_import_is_audited(database: Database, clock: ManualClock) -> None:
    await load_roster(database, clock)

    async with database.transaction() as store:
        entries = await store.audit.entries(None, None)

    assert [(e.actor_label, e.action) for e in entries] == [("cli:tests", "roster.import")]


@pytest.mark.parametrize(("column", "value"), [(5, "=1+1"), (5, "-张"), (3, "+组"), (4, "@1"), (2, "=网格"),
                                               (1, "=HYPERLINK(\"http://x\")")])
def test_a_cell_that_starts_a_formula_is_refused(column: int, value: str) -> None:
    rows = [list(r) for r in ROSTER]
    rows[0][column] = value

    with pytest.raises(ImportRejectedError) as caught:
        parse_rows(roster_table(rows))

    assert codes(caught.value) == [(2, ErrorCode.ROW_FORMULA)]
    assert caught.value.errors[0].params == {"column": HEADER[column], "value": value}


def test_a_phone_with_a_plus_is_no_formula() -> None:
    rows = [list(r) for r in ROSTER]
    rows[0][6] = "+86 138 0000 0001"

    assert parse_rows(roster_table(rows))[0].row.phone == "+8613800000001"


def test_columns_the_rows_need_but_the_header_lacks_are_one_header_problem() -> None:
    keep = [i for i, name in enumerate(HEADER) if name not in ("household", "phone")]
    table = [[row[i] for i in keep] for row in roster_table()]

    with pytest.raises(ImportRejectedError) as caught:
        parse_rows(table)

    assert codes(caught.value) == [(1, ErrorCode.BAD_HEADER)]
    assert caught.value.errors[0].params == {"columns": "household, phone"}
