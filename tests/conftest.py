"""Fixtures for every test: a clean environment, a migrated database, a fixed clock."""

from __future__ import annotations

import asyncio
import os
import shutil
import ssl
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx._transports.default
import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory

os.environ.setdefault("PTB_TIMEDELTA", "true")  # before anything imports telegram

from bot.i18n import LOCALE_DIR, LOCALES, Catalogs, catalog_files
from storage.database import Database, sqlite_url
from storage.migrate import upgrade
from tests import postgres
from village.clock import ManualClock

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Monday morning in Shanghai: working hours, outside quiet hours.
START = datetime(2026, 11, 2, 10, 0, tzinfo=SHANGHAI)
BACKENDS = ("sqlite", "postgresql")
# TEST_BACKEND=postgresql runs the whole suite on PostgreSQL (by hand; CI runs the contract suite on both).
DEFAULT_BACKEND = os.environ.get("TEST_BACKEND", "sqlite")
# Run a test on each database: `@on_both_backends` (the storage contract suite gets it for every test).
on_both_backends = pytest.mark.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("HEMEI_"):
            monkeypatch.delenv(key)


@pytest.fixture(autouse=True, scope="session")
def _loaded_once() -> Iterator[None]:
    """Share, across the session, what every bot built in a test would load again from the same files.

    A process builds its runtime once; a test session builds hundreds. Parsing the catalogs (a few dozen ms)
    and loading the CA bundle for each of the two httpx clients of the Telegram adapter (25 ms each; every
    test talks plain HTTP to a local fake) were about a sixth of the end-to-end tests' CPU time. The catalogs
    are keyed by their files' sizes and times, so a test that writes a catalog still reads its own. Alembic
    reads the migration files into one ScriptDirectory per folder (20 ms at every start's `upgrade`); the
    migrations still run, each time, from those files.
    """
    load = Catalogs.load.__func__  # type: ignore[attr-defined]
    loaded = cache(lambda default, directory, _stamp: load(Catalogs, default, directory))

    def load_once(cls: type[Catalogs], default: str = "zh_CN", directory: Path = LOCALE_DIR) -> Catalogs:
        return loaded(default, directory, _catalog_stamp(directory))

    create = httpx._transports.default.create_ssl_context
    default_context = cache(lambda: create())

    def context_once(verify: Any = True, cert: Any = None, trust_env: bool = True) -> ssl.SSLContext:
        if verify is True and cert is None and trust_env:
            return default_context()
        return create(verify=verify, cert=cert, trust_env=trust_env)

    scripts = ScriptDirectory.from_config.__func__  # type: ignore[attr-defined]
    by_folder: dict[str | None, ScriptDirectory] = {}

    def scripts_once(cls: type[ScriptDirectory], config: Config) -> ScriptDirectory:
        folder = config.get_main_option("script_location")
        if folder not in by_folder:
            by_folder[folder] = scripts(cls, config)
        return by_folder[folder]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Catalogs, "load", classmethod(load_once))
        patch.setattr(ScriptDirectory, "from_config", classmethod(scripts_once))
        patch.setattr(httpx._transports.default, "create_ssl_context", context_once)
        yield


def _catalog_stamp(directory: Path) -> tuple[tuple[str, int, int], ...]:
    files = [path for locale in LOCALES for path in catalog_files(directory, locale)]
    return tuple((str(path), path.stat().st_mtime_ns, path.stat().st_size) for path in files)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate one database per session; each test copies it."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    asyncio.run(upgrade(sqlite_url(str(path))))
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """Migrate one PostgreSQL database per session (skips when no server is given); each test copies it."""
    template = postgres.create_template()
    yield template
    postgres.drop(template)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """Return the database the test runs on: SQLite unless parametrised (see `on_both_backends`)."""
    return getattr(request, "param", DEFAULT_BACKEND)


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Return the URL of a fresh, migrated database for this test."""
    if backend == "postgresql":
        name = postgres.create_copy(request.getfixturevalue("postgres_template"))
        yield postgres.database_url(name)
        postgres.drop(name)
        return
    path = tmp_path / "hemei.db"
    shutil.copy(request.getfixturevalue("migrated_template"), path)
    yield sqlite_url(str(path))


@pytest.fixture
def empty_db_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """Return the URL of an empty, never migrated database for this test."""
    if backend == "postgresql":
        name = postgres.create_empty()
        yield postgres.database_url(name)
        postgres.drop(name)
        return
    yield sqlite_url(str(tmp_path / "empty.db"))


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
