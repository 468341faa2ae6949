"""Any events, by any role, in any flow: every input is answered, nothing crashes, no forbidden write,
and the keyboard shown belongs to the current question."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.properties import actions as a
from tests.properties.exploration import explore
from tests.properties.world import PERSONAS, Persona

STARTS = a.every_start()
# A tour starts every flow in one example, so it needs far fewer examples than a walk.
TOUR_EXAMPLES = max(2, (settings.default.max_examples or 12) // 6)

starts = st.builds(a.Start, st.integers(0, 200), st.booleans())
walks = st.lists(a.actions, min_size=1, max_size=20)
detours = st.lists(st.lists(a.actions, max_size=2), min_size=len(STARTS), max_size=len(STARTS))


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p.name)
@given(first=starts, rest=walks)
def test_a_walk_of_any_events_keeps_every_property(world: Path, persona: Persona, first: a.Start,
                                                   rest: list[a.Action]) -> None:
    asyncio.run(explore(world, persona, [first, *rest]))


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p.name)
@settings(max_examples=TOUR_EXAMPLES)
@given(after_each=detours)
def test_a_tour_of_every_flow_with_detours_keeps_every_property(world: Path, persona: Persona,
                                                                after_each: list[list[a.Action]]) -> None:
    steps = [step for start, detour in zip(STARTS, after_each, strict=True) for step in (start, *detour)]

    asyncio.run(explore(world, persona, steps))
