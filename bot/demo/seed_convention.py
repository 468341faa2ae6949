"""Demo data for the convention: the default convention for every village, and a few past results.

Group 1组 of FX01 gets published results for the five periods before the one just
ended, so 张阿婆's /score shows a trend and the board has history; the period just
ended and the current one are left for the demo user to assess and publish.
"""

from __future__ import annotations

import random

from village.convention.periods import Period
from village.convention.spec import DEFAULT_CONVENTION
from village.people import Actor
from village.services import Services

DEMO_GROUP = "1组"
HISTORY = 5
REASONS = {"垃圾分类": "干湿垃圾混投", "宅前屋后整洁": "门前堆放杂物", "河道保洁": "向河边倒污水",
           "文明乡风": "邻里争吵", "房屋出租规范": "出租未登记"}


async def seed_convention(services: Services, actor: Actor, seed: int = 2026) -> None:
    """Give every village the default convention; publish some history for FX01's 1组."""
    for village in await services.store.places.villages():
        if await services.store.conventions.current(village.id) is None:
            await services.conventions.import_spec(actor, village.code, DEFAULT_CONVENTION)
    village = await services.store.places.village_by_code("FX01")
    if village is None:
        return
    group = next((g for g in await services.store.places.groups(village.id) if g.name == DEMO_GROUP), None)
    if group is not None:
        await _history(services, actor, village.id, group.id, random.Random(seed))


async def _history(services: Services, actor: Actor, village_id: int, group_id: int, rng: random.Random) -> None:
    convention = await services.store.conventions.current(village_id)
    assert convention is not None
    due = Period.due(services.convention_lookups.today(), convention.period_kind)
    households = [h for h in await services.store.places.households(village_id) if h.group_id == group_id]
    for period in due.previous().recent(HISTORY):
        if await services.store.assessments.in_group(group_id, period.code):
            continue
        for household in households:
            cuts = {c.id: min(c.points, c.step * rng.choice((1, 1, 2, 3))) for c in convention.clauses
                    if c.name in REASONS and rng.random() < 0.15}
            reasons = {c.id: REASONS[c.name] for c in convention.clauses if c.id in cuts}
            await services.assessments.save_draft(actor, household.id, period.code, deductions=cuts,
                                                  reasons=reasons)
        await services.assessments.publish(actor, group_id, period.code)
