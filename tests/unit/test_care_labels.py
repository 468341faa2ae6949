"""Every category, rhythm and wellbeing has its words in chat and in spreadsheets."""

from __future__ import annotations

from handlers.care.labels import CATEGORIES, RHYTHMS, WELLBEING
from village.care.models import RHYTHM_DAYS, CareCategory, Rhythm, Wellbeing
from village.care.sheets import CATEGORY_ALIASES, CATEGORY_NAMES, RHYTHM_ALIASES, RHYTHM_NAMES, parse_care_rows
from village.errors import ErrorCode


def test_every_enum_member_has_its_label() -> None:
    assert set(CATEGORIES) == set(CareCategory) == set(CATEGORY_NAMES)
    assert set(RHYTHMS) == set(Rhythm) == set(RHYTHM_NAMES) == set(RHYTHM_DAYS)
    assert set(WELLBEING) == set(Wellbeing)


def test_a_spreadsheet_reads_back_what_an_export_writes() -> None:
    assert all(CATEGORY_ALIASES[name] is category for category, name in CATEGORY_NAMES.items())
    assert all(RHYTHM_ALIASES[name] is rhythm for rhythm, name in RHYTHM_NAMES.items())


def test_a_file_without_household_or_phone_columns_is_refused_at_the_header() -> None:
    rows, errors = parse_care_rows([["村", "姓名", "类别", "频次"], ["FX01", "张阿婆", "独居老人", "每周"]])

    assert rows == []
    assert [(e.row, e.code) for e in errors] == [(1, ErrorCode.BAD_HEADER)]
