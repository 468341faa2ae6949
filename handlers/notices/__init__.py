"""Notices (村务公开): /announce to compose and send, /notices to read, /settings to mute and choose a language."""

from __future__ import annotations

from handlers.conversations import Flow
from handlers.notices import archive, compose, preferences


def build() -> list[Flow]:
    """Return the notice flows."""
    return [compose.build(), archive.build(), preferences.build()]
