"""WeChat inputs as JSON, so that a push kept in `wechat_inbound` can be handled again after a restart."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from bot.wechat.inputs import (
    EventKind,
    Followed,
    ImageMessage,
    Input,
    LocationMessage,
    LocationSelected,
    MenuClicked,
    OtherMessage,
    TextMessage,
    Unfollowed,
    VoiceMessage,
)

# The inputs that change something on our side; the rest (subscription and job reports) are answered only.
_KEPT: dict[str, type[Any]] = {cls.__name__: cls for cls in (
    TextMessage, ImageMessage, VoiceMessage, LocationMessage, OtherMessage, Followed, Unfollowed, MenuClicked,
    LocationSelected)}


def is_kept(received: Input) -> bool:
    """Return whether the input is one Hemei acts on (and so keeps durably)."""
    return type(received).__name__ in _KEPT


def encode(received: Input) -> str:
    """Return the input as JSON."""
    return json.dumps({"type": type(received).__name__, **asdict(received)}, ensure_ascii=False)


def decode(content: str) -> Input:
    """Rebuild an input from `encode`'s JSON."""
    fields = json.loads(content)
    cls = _KEPT[fields.pop("type")]
    if "kind" in fields:
        fields["kind"] = EventKind(fields["kind"])
    received: Input = cls(**fields)
    return received
