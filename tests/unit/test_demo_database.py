"""`hemei demo --database URL` takes an empty database or its own, and refuses anything else before changing it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from bot.cli import main
from bot.demo.dataset import VILLAGES
from bot.demo.seeding import demo_database_problem
from bot.i18n import Catalogs
from handlers.texts import Content
from storage.database import Database, open_engine, sqlite_url
from storage.migrate import table_names


def shown(problem: Content | None) -> str:
    """Return the problem as the demo prints it (in Chinese)."""
    assert problem is not None
    return Catalogs.load("zh_CN").text(problem, "zh_CN")


async def test_an_empty_database_is_taken(empty_db_url: str) -> None:
    assert await demo_database_problem(empty_db_url) is None


async def test_a_database_with_only_the_demo_villages_is_taken_again(db_url: str, database: Database) -> None:
    async with database.transaction() as store:
        for plan in VILLAGES:
            await store.places.save_village(plan.code, plan.name)

    assert await demo_database_problem(db_url) is None


async def test_a_district_with_other_villages_is_refused(db_url: str, database: Database) -> None:
    async with database.transaction() as store:
        await store.places.save_village(VILLAGES[0].code, VILLAGES[0].name)
        await store.places.save_village("CM07", "崇明区港沿镇园艺村")

    problem = shown(await demo_database_problem(db_url))

    assert "已有不属于演示的村（崇明区港沿镇园艺村）" in problem
    assert VILLAGES[0].name not in problem  # the demo's own village is no problem


async def test_another_applications_database_is_refused_unchanged(tmp_path: Path) -> None:
    url = sqlite_url(str(tmp_path / "other.db"))
    engine = open_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE invoices (id INTEGER PRIMARY KEY)"))
    await engine.dispose()

    problem = shown(await demo_database_problem(url))

    assert "里有不属于和美的数据表（invoices）" in problem
    assert await table_names(url) == ["invoices"]  # not migrated


@pytest.mark.parametrize(("options", "says"), [
    (["--database", "sqlite+aiosqlite:///demo.db"], "共用一个 PostgreSQL 数据库"),
    (["--database", "postgresql+asyncpg://hemei@/demo", "--channel", "wechat"], "请去掉 --channel"),
    (["--database", "postgresql+asyncpg://hemei@/demo", "--workers", "0"], "--workers 只能是 1 到 8"),
])
def test_district_options_are_checked_before_anything_starts(options: list[str], says: str,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", *options]) == 2

    captured = capsys.readouterr()
    assert says in captured.err
    assert captured.out == ""  # no folder made, nothing prepared


async def test_a_database_out_of_reach_is_named_without_its_password(tmp_path: Path) -> None:
    url = f"postgresql+asyncpg://hemei:s3cret-pw@/hemei_demo?host={tmp_path}/no-server-here"

    problem = shown(await demo_database_problem(url))

    assert problem.startswith("无法打开 postgresql+asyncpg://hemei:***@/hemei_demo")
    assert "s3cret-pw" not in problem
