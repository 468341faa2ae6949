"""The follow-up rule: which undelivered messages a cadre must follow up, and how the list groups them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from handlers.followups import SUBJECTS, subject
from village.followups import Addressee, FollowUpReason, Undelivered, follow_up_reason, follow_ups
from village.outbox import MessageKind, OutboxStatus

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
DAY = timedelta(hours=24)


def item(status: OutboxStatus | None = OutboxStatus.PARKED, *, since: datetime = NOW - timedelta(hours=25),
         important: bool = True, unreachable: bool = False, elsewhere: bool = False, message_id: int = 1,
         person_id: int = 7) -> Undelivered:
    return Undelivered(message_id=message_id, person_id=person_id, kind=MessageKind.NOTICE_BROADCAST,
                       important=important, status=status, since=since, unreachable=unreachable,
                       delivered_elsewhere=elsewhere)


def test_a_message_parked_longer_than_the_limit_is_followed_up() -> None:
    assert follow_up_reason(item(), NOW, DAY) is FollowUpReason.WAITING


def test_a_message_parked_for_less_than_the_limit_waits_for_the_persons_return() -> None:
    assert follow_up_reason(item(since=NOW - timedelta(hours=23)), NOW, DAY) is None


def test_a_message_to_an_unreachable_account_is_followed_up_at_once() -> None:
    assert follow_up_reason(item(since=NOW, unreachable=True), NOW, DAY) is FollowUpReason.UNREACHABLE


def test_a_message_to_someone_who_blocked_the_bot_is_followed_up_at_once() -> None:
    assert follow_up_reason(item(OutboxStatus.BLOCKED, since=NOW), NOW, DAY) is FollowUpReason.UNREACHABLE


def test_a_message_that_failed_for_good_is_followed_up() -> None:
    assert follow_up_reason(item(OutboxStatus.FAILED, since=NOW), NOW, DAY) is FollowUpReason.FAILED


@pytest.mark.parametrize("status", [OutboxStatus.SENT, OutboxStatus.PENDING, OutboxStatus.SENDING])
def test_a_message_delivered_or_on_its_way_is_not_followed_up(status: OutboxStatus) -> None:
    assert follow_up_reason(item(status, unreachable=True), NOW, DAY) is None


def test_an_optional_message_is_not_followed_up() -> None:
    assert follow_up_reason(item(OutboxStatus.BLOCKED, important=False), NOW, DAY) is None


def test_a_message_that_reached_another_account_of_the_person_is_not_followed_up() -> None:
    assert follow_up_reason(item(OutboxStatus.BLOCKED, elsewhere=True), NOW, DAY) is None


def test_a_message_for_someone_with_no_account_is_followed_up_at_once() -> None:
    assert follow_up_reason(item(None, since=NOW), NOW, DAY) is FollowUpReason.NOT_JOINED


def test_the_list_has_one_entry_per_person_the_longest_waiting_first() -> None:
    zhang, wang = Addressee(7, "张阿婆", "1-01", "13800000001"), Addressee(8, "王大伯", "1-02", None)
    candidates = [
        (zhang, item(OutboxStatus.BLOCKED, since=NOW - timedelta(hours=2), message_id=3)),
        (wang, item(OutboxStatus.FAILED, since=NOW - timedelta(hours=5), message_id=2, person_id=8)),
        (zhang, item(OutboxStatus.BLOCKED, since=NOW - timedelta(hours=1), message_id=4)),
        (wang, item(since=NOW - timedelta(hours=1), message_id=5, person_id=8)),  # parked, not long enough
    ]

    listed = follow_ups(candidates, NOW, DAY)

    assert [(e.person.name, [m.message_id for m in e.messages]) for e in listed] == [
        ("王大伯", [2]), ("张阿婆", [3, 4])]
    assert listed[1].since == NOW - timedelta(hours=2)


def test_every_kind_of_message_names_its_subject() -> None:
    assert {kind.value.split(".", 1)[0] for kind in MessageKind} <= set(SUBJECTS)
    assert all(subject(kind) for kind in MessageKind)
