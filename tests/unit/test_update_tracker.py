"""The update tracker: outcomes kept for a bounded window, duplicates of a posted update told apart."""

from __future__ import annotations

import asyncio

import pytest

from bot.update_tracker import UpdateTracker


async def test_only_the_most_recent_outcomes_are_kept() -> None:
    tracker = UpdateTracker(keep=3)

    for update_id in range(1, 6):
        await tracker.mark(update_id)

    assert [tracker.outcome(n) for n in range(1, 6)] == [None, None, True, True, True]
    assert len(tracker._done) == 3  # a worker marking updates for months keeps no more


async def test_an_update_in_flight_is_queued_once_and_forgotten_when_done() -> None:
    tracker = UpdateTracker()

    first, duplicate = tracker.post(7), tracker.post(7)
    await tracker.mark(7)

    assert (first, duplicate) == (True, False)
    assert not tracker.posted(7)
    assert tracker._posted == set()


async def test_a_failed_update_is_queued_again_and_its_new_outcome_awaited() -> None:
    tracker = UpdateTracker()
    tracker.post(8)
    await tracker.mark(8, ok=False)

    again = tracker.post(8)
    waiting = asyncio.create_task(tracker.result(8, within=5))
    await asyncio.sleep(0)
    still_waiting = not waiting.done()
    await tracker.mark(8)

    assert again
    assert still_waiting  # the earlier failure is not taken for the answer
    assert await waiting is True


async def test_a_waiter_gives_up_after_its_time_and_leaves_nothing_behind() -> None:
    tracker = UpdateTracker()

    with pytest.raises(TimeoutError):
        await tracker.wait_for(9, within=0.01)

    assert tracker._waiters == {}
