"""`hemei care import|export`: every row checked before anything is written; the list and visits written out."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bot.cli import main
from tests.e2e.test_cli import config, write_csv
from tests.factories import HEADER, ROSTER

__all__ = ["config"]

CARE_HEADER = ["村", "姓名", "户号", "手机号", "类别", "频次"]


def test_a_file_with_a_bad_row_changes_nothing_and_names_the_rows(config: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    main(["roster", "import", str(write_csv(tmp_path / "roster.csv", [HEADER, *ROSTER])), "--config", str(config)])
    bad = write_csv(tmp_path / "care.csv", [CARE_HEADER, ["FX01", "张阿婆", "1-01", "", "独居老人", "每周"],
                                            ["FX01", "王大伯", "1-02", "", "孤寡", "每周"],
                                            ["FX01", "李四", "9-99", "", "其他", "每月"]])
    capsys.readouterr()

    status = main(["care", "import", str(bad), "--config", str(config)])
    refused = capsys.readouterr()
    main(["care", "export", "--village", "FX01", "--config", str(config)])
    after_refusal = list(csv.reader(capsys.readouterr().out.splitlines()))

    assert status != 0
    assert "第 3 行：未知的关爱类别 孤寡" in refused.err
    assert "第 4 行：村 FX01 的花名册里，该户号或手机号下没有叫李四的人" in refused.err
    assert after_refusal == [["village", "name", "household", "phone", "category", "rhythm"]]


def test_import_then_export_round_trip_and_the_month_of_visits(config: Path, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    main(["roster", "import", str(write_csv(tmp_path / "roster.csv", [HEADER, *ROSTER])), "--config", str(config)])
    good = write_csv(tmp_path / "care.csv", [CARE_HEADER, ["FX01", "张阿婆", "1-01", "", "独居老人", "每周"],
                                             ["FX01", "钱大叔", "", "13800000005", "残障人士", "每月"]])
    capsys.readouterr()

    main(["care", "import", str(good), "--config", str(config)])
    imported = capsys.readouterr().out
    main(["care", "import", str(good), "--config", str(config)])
    again = capsys.readouterr().out
    main(["care", "export", "--village", "FX01", "--config", str(config)])
    exported = list(csv.reader(capsys.readouterr().out.splitlines()))
    main(["care", "export", "--village", "FX01", "--month", "2026-11", "--config", str(config)])
    visits = list(csv.reader(capsys.readouterr().out.splitlines()))

    assert "关爱名单已导入：新增 2 人，修改 0 人，未变 0 人。" in imported
    assert "新增 0 人，修改 0 人，未变 2 人" in again
    assert exported[1:] == [["FX01", "张阿婆", "1-01", "+8613800000001", "独居/空巢老人", "每周"],
                            ["FX01", "钱大叔", "3-01", "+8613800000005", "残障人士", "每月"]]
    assert visits == [["走访时间", "姓名", "户号", "关爱类别", "情况", "备注", "语音", "照片", "发现问题", "代报问题",
                       "已联系家属", "走访人"]]
