"""Fixtures for every test: a clean environment, a migrated database, a fixed clock."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

os.environ.setdefault("PTB_TIMEDELTA", "true")  # before anything imports telegram

from storage.database import Database, sqlite_url
from storage.migrate import upgrade
from village.clock import ManualClock

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Monday morning in Shanghai: working hours, outside quiet hours.
START = datetime(2026, 11, 2, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("HEMEI_"):
            monkeypatch.delenv(key)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate one database per session; each test copies it."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    asyncio.run(upgrade(sqlite_url(str(path))))
    return path


@pytest.fixture
def db_url(migrated_template: Path, tmp_path: Path) -> str:
    """Return the URL of a fresh, migrated database file for this test."""
    path = tmp_path / "hemei.db"
    shutil.copy(migrated_template, path)
    return sqlite_url(str(path))


@pytest.fixture
async def database(db_url: str) -> AsyncIterator[Database]:
    """Open the test's database."""
    db = Database.open(db_url)
    yield db
    await db.close()


@pytest.fixture
def clock() -> ManualClock:
    """A clock that stands still until a test moves it."""
    return ManualClock(START)
