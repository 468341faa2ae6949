"""Any events, by any role, in any flow: every input is answered, nothing crashes, no forbidden write,
and the keyboard shown belongs to the current question."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.properties import actions as a
from tests.properties.exploration import explore
from tests.properties.world import PERSONAS, Persona

steps = st.lists(a.actions, min_size=1, max_size=20)
starts = st.builds(a.Start, st.integers(0, 200), st.booleans())


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p.name)
@given(first=starts, rest=steps)
def test_any_events_are_answered_within_the_rules(world: Path, persona: Persona, first: a.Start,
                                                  rest: list[a.Action]) -> None:
    asyncio.run(explore(world, persona, [first, *rest]))
