"""One person's WeChat inputs are handled one at a time, in arrival order; the locks do not pile up."""

from __future__ import annotations

import asyncio

from bot.wechat.intake import PersonLocks


async def test_one_persons_turns_run_in_arrival_order_and_the_lock_is_then_forgotten() -> None:
    locks, order = PersonLocks(), []
    holding, release = asyncio.Event(), asyncio.Event()

    async def turn(name: str, wait: bool) -> None:
        async with locks.of("o_1"):
            if wait:
                holding.set()
                await release.wait()
            order.append(name)

    first = asyncio.create_task(turn("first", True))
    await holding.wait()
    later = [asyncio.create_task(turn(n, False)) for n in ("second", "third")]
    await asyncio.sleep(0)  # one loop pass: both start and queue on the held lock
    release.set()
    await asyncio.gather(first, *later)

    assert order == ["first", "second", "third"]
    assert locks._locks == {}
