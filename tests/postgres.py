"""A fresh PostgreSQL database per test, copied from one migrated template (CREATE DATABASE ... TEMPLATE).

The server is the one `.ci/run` starts; its URL comes in POSTGRES_TEST_URL (read at import, before the autouse
fixture clears HEMEI_* variables). Without it, tests that need PostgreSQL are skipped with the reason.
"""

from __future__ import annotations

import asyncio
import itertools
import os

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from storage.migrate import upgrade

SERVER_URL = os.environ.get("POSTGRES_TEST_URL", "")
SKIP_REASON = "PostgreSQL tests need a server: set POSTGRES_TEST_URL (`.ci/run` starts one itself)"
TEMPLATE = f"hemei_template_{os.getpid()}"
_numbers = itertools.count(1)


def database_url(name: str) -> str:
    """Return the URL of the database `name` on the test server."""
    return make_url(SERVER_URL).set(database=name).render_as_string(hide_password=False)


async def _admin(*statements: str) -> None:
    # CREATE/DROP DATABASE cannot run in a transaction: autocommit on the server's maintenance database.
    engine = create_async_engine(SERVER_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            for statement in statements:
                await connection.execute(text(statement))
    finally:
        await engine.dispose()


def create_template() -> str:
    """Create and migrate this session's template database; return its name."""
    if not SERVER_URL:
        pytest.skip(SKIP_REASON)
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{TEMPLATE}"', f'CREATE DATABASE "{TEMPLATE}"'))
    asyncio.run(upgrade(database_url(TEMPLATE)))
    return TEMPLATE


def create_empty() -> str:
    """Create an empty database (for migrating from nothing); return its name."""
    if not SERVER_URL:
        pytest.skip(SKIP_REASON)
    name = f"hemei_empty_{os.getpid()}_{next(_numbers)}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    return name


def create_copy(template: str) -> str:
    """Create a fresh database from the template; return its name."""
    name = f"hemei_test_{os.getpid()}_{next(_numbers)}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    return name


def drop(*names: str) -> None:
    """Drop databases, disconnecting whoever still holds them."""
    asyncio.run(_admin(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names)))
