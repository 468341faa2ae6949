"""Which of a person's accounts a message goes to (village/routing.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from village.people import Identity
from village.routing import Prefer, choose_identity, queued_for

NOON = datetime(2026, 5, 1, 12, tzinfo=UTC)


def account(identity_id: int, channel: str, *, person: int | None = 1, minutes_ago: int = 0,
            unreachable: bool = False) -> Identity:
    return Identity(identity_id, channel, f"x{identity_id}", f"x{identity_id}", person, None,
                    unreachable_since=NOON if unreachable else None, last_seen=NOON - timedelta(minutes=minutes_ago))


TELEGRAM = account(1, "telegram", minutes_ago=30)
WECHAT = account(2, "wechat", minutes_ago=5)


def test_last_used_picks_the_account_written_from_last() -> None:
    assert choose_identity([TELEGRAM, WECHAT], Prefer.LAST_USED) == WECHAT
    assert choose_identity([account(1, "telegram", minutes_ago=1), WECHAT], Prefer.LAST_USED).channel == "telegram"


def test_a_fixed_preference_wins_over_the_last_used_while_it_can_reach() -> None:
    assert choose_identity([TELEGRAM, WECHAT], Prefer.TELEGRAM) == TELEGRAM
    assert choose_identity([TELEGRAM, WECHAT], Prefer.WECHAT) == WECHAT


def test_an_unreachable_or_not_running_channel_falls_back_to_the_other() -> None:
    unfollowed = account(2, "wechat", unreachable=True)
    assert choose_identity([TELEGRAM, unfollowed], Prefer.WECHAT) == TELEGRAM
    assert choose_identity([TELEGRAM, WECHAT], Prefer.LAST_USED, channels={"telegram"}) == TELEGRAM
    assert choose_identity([account(1, "telegram", unreachable=True)], Prefer.LAST_USED) is None


def test_equal_times_pick_the_older_account_so_the_choice_is_stable() -> None:
    assert choose_identity([account(2, "wechat"), account(1, "telegram")], Prefer.LAST_USED).id == 1


def test_one_row_per_person_names_their_first_account_and_keeps_unbound_ones() -> None:
    stranger = account(9, "wechat", person=None)
    other = account(3, "telegram", person=2)

    assert queued_for([WECHAT, TELEGRAM, other, stranger]) == [TELEGRAM, other, stranger]
