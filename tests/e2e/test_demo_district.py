"""`hemei demo --database URL --workers 2`, the README's district section, run as a new user would.

A leader and two webhook workers run as real processes on a fresh PostgreSQL database. The grid worker joins; a
resident checks her score and files a report, and worker 1 is killed in the middle of it: worker 2 carries the
conversation on, the leader sends the grid worker the new report, and he finds it in his queue. When the demo
ends, no process it started is left.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from storage.database import Database
from storage.migrate import upgrade
from tests import postgres

SCRIPT = """:as 3
/start
:contact
:as 1
/start
:contact
😊 我的积分
📣 我要反映
垃圾/环境卫生
:kill 1
路边垃圾堆了三天
➡️ 下一步
⏭ 跳过
👤 公开姓名
✅ 确认提交
:workers
:as 3
🧰 工作台
🗂 待办问题
:job prune_updates
:quit
"""
UPDATES_BEFORE_KILL = 7  # /start and the contact twice, the score, 我要反映 and the category


def test_district_demo_carries_on_when_a_worker_is_killed(tmp_path: Path) -> None:
    name = postgres.create_empty()  # skips with the reason when no PostgreSQL server is given
    script = tmp_path / "script.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    try:
        result = subprocess.run(
            [sys.executable, "-m", "bot", "demo", "--database", postgres.database_url(name), "--workers", "2",
             "--script", str(script), "--keep", str(tmp_path)],
            capture_output=True, text=True, timeout=240, check=False)
    finally:
        postgres.drop(name)

    out = result.stdout
    assert result.returncode == 0, result.stderr + out
    assert "2 villages, 1,000 households loaded" in out
    assert re.search(r"worker 2 +pid \d+ +running", out)
    assert "🏠 1-001户 美丽约定积分" in out  # the score, answered by a worker
    assert "--- worker 1 killed (SIGKILL); worker 2 carries on ---" in out
    code = re.search(r"✅ 已提交，谢谢您！问题编号：(FX01-\d{4}-\d{4})", out)
    assert code, out  # the report was filed although the worker that began it died
    assert "📨 孙网格 has 1 new message(s)" in out  # queued by worker 2, sent by the leader
    assert f"🆕 有新的问题请您处理：\n   📄 问题 {code[1]}" in out
    assert f"{code[1]} 垃圾/环境卫生 · 已上报" in out  # in the grid worker's queue
    assert re.search(r"worker 1 +pid \d+ +killed", out)
    recent = re.search(r"recent updates → worker: (.*)", out)
    assert recent, out
    workers = [entry.split("→")[1] for entry in recent[1].split()]
    assert workers[UPDATES_BEFORE_KILL:] == ["2"] * (len(workers) - UPDATES_BEFORE_KILL)  # each one handled
    assert set(workers[:UPDATES_BEFORE_KILL]) == {"1", "2"}  # in turn, before
    assert "job prune_updates: 0 old update id(s) forgotten" in out  # run here, like `hemei jobs run`
    assert "Every process stopped." in out
    assert _processes_using(tmp_path) == []


def _processes_using(folder: Path) -> list[str]:
    """Return the command lines of running processes that name the folder (the demo's leader and workers do)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            line = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # ended meanwhile
            continue
        if str(folder) in line and "pytest" not in line:
            found.append(line)
    return found


def test_district_demo_refuses_a_database_with_other_villages(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    name = postgres.create_empty()
    url = postgres.database_url(name)
    try:
        asyncio.run(_district_with_a_village(url))
        script = tmp_path / "script.txt"
        script.write_text(":quit\n", encoding="utf-8")

        status = main(["demo", "--database", url, "--script", str(script)])

        assert status == 2
        assert "崇明区港沿镇园艺村" in capsys.readouterr().err
        assert asyncio.run(_village_names(url)) == ["崇明区港沿镇园艺村"]  # nothing seeded beside it
    finally:
        postgres.drop(name)


async def _district_with_a_village(url: str) -> None:
    await upgrade(url)
    database = Database.open(url)
    try:
        async with database.transaction() as store:
            await store.places.save_village("CM07", "崇明区港沿镇园艺村")
    finally:
        await database.close()


async def _village_names(url: str) -> list[str]:
    database = Database.open(url)
    try:
        async with database.transaction() as store:
            return [v.name for v in await store.places.villages()]
    finally:
        await database.close()
