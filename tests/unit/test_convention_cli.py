"""The convention's command line: convention files, assessment spreadsheets, the reward ledger, 和美宅基."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from bot.cli import main
from bot.config import ConfigError, load_config
from bot.spreadsheets import write_table
from tests.factories import roster_table
from village.convention.periods import Period, PeriodKind

ROOT = Path(__file__).resolve().parents[2]
PERIOD = Period.of(date.today(), PeriodKind.MONTHLY).code  # the CLI runs on the real clock


@pytest.fixture
def config(tmp_path: Path, db_url: str) -> str:
    """A config file for the test's database, with the test roster imported."""
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "{db_url}"\n', encoding="utf-8")
    roster = tmp_path / "roster.csv"
    write_table(roster, roster_table())
    assert main(["roster", "import", str(roster), "--config", str(path)]) == 0
    return str(path)


def test_convention_imports_from_toml_and_shows(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["convention", "import", str(ROOT / "convention.example.toml"), "--config", config])
    shown = main(["convention", "show", "--village", "FX01", "--config", config])

    out = capsys.readouterr().out
    assert (status, shown) == (0, 0)
    assert "FX01 的美丽约定第 1 版已保存：共 7 条，满分 100 分。" in out
    assert "垃圾分类: 20 points (usually -5)" in out


def test_convention_file_problems_are_listed_and_nothing_stored(tmp_path: Path, config: str,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('village = "FX01"\nperiod = "weekly"\n[faces]\nsmile = 90\nflat = 70\n'
                   '[[clauses]]\nname = "垃圾分类"\npoints = 0\n', encoding="utf-8")

    status = main(["convention", "import", str(bad), "--config", config])
    shown = main(["convention", "show", "--village", "FX01", "--config", config])

    err = capsys.readouterr().err
    assert status == 1
    assert "period 没有填或填得不对" in err
    assert "第1条：points 没有填或填得不对" in err
    assert shown == 1
    assert "村里还没有设置美丽约定" in err


def test_convention_imports_from_xlsx_with_a_settings_sheet(tmp_path: Path, config: str,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "convention.xlsx"
    workbook = Workbook()
    clauses = workbook.active
    assert clauses is not None
    for row in (["条款", "分值", "每次扣分", "说明"], ["垃圾分类", 50, 10, "分类投放"], ["文明乡风", 50, "", ""]):
        clauses.append(row)
    settings = workbook.create_sheet("settings")
    for row in (["village", "CM01"], ["period", "季度"], ["faces.smile", 90], ["faces.flat", 60],
                ["passing_faces", "笑脸,平脸"], ["annual_reward", "800"], ["homestead.reward", 5000]):
        settings.append(row)
    workbook.save(path)

    status = main(["convention", "import", str(path), "--config", config])
    main(["convention", "show", "--village", "CM01", "--config", config])

    out = capsys.readouterr().out
    assert status == 0
    assert "version 1 · quarterly · full marks 100" in out
    assert "household reward 800.00 yuan a year" in out


def test_assess_template_then_import_stores_drafts(tmp_path: Path, config: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    main(["convention", "import", str(ROOT / "convention.example.toml"), "--config", config])
    template = tmp_path / "one.xlsx"
    main(["assess", "template", "--village", "FX01", "--group", "一组", "--period", PERIOD, "--out", str(template),
          "--config", config])
    workbook = load_workbook(template)
    sheet = workbook.active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("垃圾分类") + 1, value=10)
    sheet.cell(row=2, column=header.index("reason") + 1, value="垃圾混投")
    workbook.save(template)

    status = main(["assess", "import", str(template), "--config", config])

    out = capsys.readouterr().out
    assert header[:4] == ["village", "period", "group", "household"]
    assert "已把 2 户写入" in out
    assert status == 0
    assert "已保存 2 户的草稿" in out


def test_assess_import_with_bad_rows_lists_them_and_changes_nothing(tmp_path: Path, config: str,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    main(["convention", "import", str(ROOT / "convention.example.toml"), "--config", config])
    path = tmp_path / "bad.csv"
    write_table(path, [["village", "period", "household", "垃圾分类", "reason"],
                       ["FX01", PERIOD, "1-01", "5", "混投"], ["FX01", PERIOD, "1-99", "", ""],
                       ["FX01", PERIOD, "1-02", "30", "乱倒"]])

    status = main(["assess", "import", str(path), "--config", config])
    template = main(["assess", "template", "--village", "FX01", "--group", "一组", "--period", PERIOD, "--out",
                     str(tmp_path / "after.csv"), "--config", config])

    err = capsys.readouterr().err
    assert status == 1
    assert "文件中有 2 处问题，未做任何修改。" in err
    assert "第 3 行：本村没有户号 1-99" in err
    assert "第 4 行：“垃圾分类”最多只能扣 20 分" in err
    assert template == 0
    assert ",," in (tmp_path / "after.csv").read_text(encoding="utf-8-sig").splitlines()[1]


def test_rewards_export_and_homestead_commands(tmp_path: Path, config: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    main(["convention", "import", str(ROOT / "convention.example.toml"), "--config", config])
    year = str(date.today().year)

    assessed = main(["homestead", "assess", "--village", "FX01", "--group", "一组", "--config", config])
    checked = main(["homestead", "spot-check", "--village", "FX01", "--group", "一组", "--fail", "清群租",
                    "--note", "清群租=3号楼群租", "--config", config])
    refused = main(["homestead", "spot-check", "--village", "FX01", "--group", "一组", "--fail", "美丽庭院",
                    "--config", config])
    exported = main(["rewards", "export", "--village", "FX01", "--year", year, "--out", str(tmp_path / "r.csv"),
                     "--config", config])

    out = capsys.readouterr().out
    rows = (tmp_path / "r.csv").read_text(encoding="utf-8-sig").splitlines()
    assert (assessed, checked, refused, exported) == (0, 0, 2, 0)
    assert "一组" in out
    assert "reward released 5000.00, withheld 5000.00" in out
    assert rows[0] == "level,village,group,household,entitled,released,withheld,pending"
    assert "household,FX01,一组,1-01,600.00,0.00,0.00,600.00" in rows
    assert "group,FX01,一组,,10000.00,5000.00,5000.00,0.00" in rows


def test_convention_policy_is_configurable_and_checked() -> None:
    config = load_config(None, {"HEMEI_CONVENTION__APPEAL_DAYS": "30", "HEMEI_CONVENTION__RECTIFICATION_DAYS": "7"})

    assert (config.convention.appeal_days, config.convention.rectification_days) == (30, 7)
    with pytest.raises(ConfigError, match=r"convention\.appeal_days"):
        load_config(None, {"HEMEI_CONVENTION__APPEAL_DAYS": "0"})
    with pytest.raises(ConfigError, match="reward_notices"):
        load_config(None, {"HEMEI_SCHEDULES__REWARD_NOTICES": "not a cron"})


def test_convention_xlsx_without_a_points_column_is_one_header_problem(tmp_path: Path, config: str,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "convention.xlsx"
    workbook = Workbook()
    clauses = workbook.active
    assert clauses is not None
    for row in (["条款", "说明"], ["垃圾分类", "分类投放"], ["文明乡风", ""], ["孝老爱亲", ""]):
        clauses.append(row)
    workbook.save(path)

    status = main(["convention", "import", str(path), "--village", "FX01", "--config", config])

    assert status == 1
    assert capsys.readouterr().err == "convention.xlsx：表头缺少列：points/分值\n"
