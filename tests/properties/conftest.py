"""Hypothesis profiles for the property suite, and the seeded world every example copies.

`HYPOTHESIS_PROFILE=ci` (the default) keeps the suite within about a minute on two cores and
is derandomized, so CI is repeatable; `long` explores far more, for a local run before a release.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.properties.world import build_world

# An example is a whole conversation (a tour is 25 flows with detours, some texts are 12,000 characters):
# slow and large by design, and an overrun of hypothesis' buffer counts as filtered.
LARGE_EXAMPLES = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile("ci", max_examples=20, deadline=None, derandomize=True, print_blob=True,
                          suppress_health_check=LARGE_EXAMPLES)
settings.register_profile("long", max_examples=400, deadline=None, print_blob=True,
                          suppress_health_check=LARGE_EXAMPLES)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def world(migrated_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the path of a database seeded once per session: roster, personas, protected data."""
    path = tmp_path_factory.mktemp("world") / "world.db"
    shutil.copy(migrated_template, path)
    asyncio.run(build_world(path))
    return path
