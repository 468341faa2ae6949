"""The layers point one way: the domain and the conversations know no Telegram, no SQL, no wiring."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "village": {"telegram", "sqlalchemy", "alembic", "bot", "handlers", "storage", "tornado", "httpx"},
    "handlers": {"telegram", "sqlalchemy", "alembic", "bot", "storage", "tornado", "httpx"},
    "storage": {"telegram", "bot", "handlers"},
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_nothing_above_it(layer: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & FORBIDDEN[layer])
        for path in (ROOT / layer).rglob("*.py")
        if imported_roots(path) & FORBIDDEN[layer]
    }

    assert offenders == {}
