"""The storage contract suite: every test here runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from tests.conftest import BACKENDS


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrise every test that uses a database over both backends."""
    marked = any(m.name == "parametrize" and "backend" in m.args[0] for m in metafunc.definition.iter_markers())
    if "backend" in metafunc.fixturenames and not marked:
        metafunc.parametrize("backend", BACKENDS, indirect=True)
