"""The back-off ladder shared by the outbox loop and the WeChat intake."""

from __future__ import annotations

import pytest

from bot.retry_pauses import RetryPauses


def test_pauses_grow_with_each_failure_in_a_row_and_the_last_repeats() -> None:
    pauses = RetryPauses((1.0, 2.0, 4.0))

    found = [pauses.after(failures) for failures in range(1, 6)]

    assert found == [1.0, 2.0, 4.0, 4.0, 4.0]


def test_no_failure_yet_counts_as_the_first() -> None:
    assert RetryPauses((0.5, 1.0)).after(0) == 0.5


@pytest.mark.parametrize("seconds", [(), (1.0, -1.0)])
def test_an_empty_or_negative_ladder_is_refused(seconds: tuple[float, ...]) -> None:
    with pytest.raises(ValueError, match="retry pauses"):
        RetryPauses(seconds)
