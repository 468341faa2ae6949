"""The in-memory guard against WeChat's retries: bounded in time and in number."""

from __future__ import annotations

from bot.wechat.dedup import RecentInputs


def test_a_key_is_new_once_within_the_keeping_period() -> None:
    recent = RecentInputs(keep_seconds=600)

    assert [recent.first_time(("message", "o", "1"), t) for t in (0, 5, 599)] == [True, False, False]


def test_a_key_is_forgotten_after_the_keeping_period() -> None:
    recent = RecentInputs(keep_seconds=600)
    recent.first_time(("message", "o", "1"), 0)

    assert recent.first_time(("message", "o", "1"), 601)


def test_the_oldest_key_goes_when_the_guard_is_full() -> None:
    recent = RecentInputs(max_keys=2)
    for n in range(3):
        recent.first_time(("message", "o", str(n)), 0)

    assert recent.first_time(("message", "o", "0"), 1)
    assert not recent.first_time(("message", "o", "2"), 1)
