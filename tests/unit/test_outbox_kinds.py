"""Every outbox message states its kind; each kind has its delivery traits (important, safe to resend)."""

from __future__ import annotations

import pytest

from village.outbox import KIND_TRAITS, KindTraits, MessageKind, NewMessage


@pytest.mark.parametrize("kind", list(MessageKind))
def test_every_message_kind_has_its_traits(kind: MessageKind) -> None:
    traits = KIND_TRAITS.get(kind)

    assert isinstance(traits, KindTraits)


def test_a_message_takes_its_kind_s_traits_by_default() -> None:
    message = NewMessage("score:1", 1, {"text": "x"}, kind=MessageKind.SCORE_PUBLISHED)

    assert message.traits == KindTraits(important=True, resend_safe=False)


def test_a_message_may_be_more_important_than_its_kind() -> None:
    message = NewMessage("notice:1", 1, {"text": "x"}, kind=MessageKind.NOTICE_BROADCAST, important=True)

    assert message.traits == KindTraits(important=True, resend_safe=False)


def test_kinds_are_written_as_feature_dot_event() -> None:
    malformed = [k.value for k in MessageKind if k is not MessageKind.UNCLASSIFIED and k.value.count(".") != 1]

    assert malformed == []
