"""Reading pressed buttons without trusting them: a malformed one is refused like a forged one."""

from __future__ import annotations

from handlers.callback_data import Callback, unpack
from handlers.context import Context
from handlers.events import EventKind
from village.errors import PermissionDeniedError


def tapped(ctx: Context, *actions: str) -> Callback | None:
    """Return the pressed button's data if it is one of `actions` (any action when none given)."""
    if ctx.event.kind is not EventKind.BUTTON:
        return None
    callback = unpack(ctx.event.payload)
    if callback is None or (actions and callback.action not in actions):
        return None
    return callback


def number(callback: Callback | None, index: int = 0) -> int:
    """Return argument `index` as an id; refuse missing or malformed data."""
    if callback is None:
        raise PermissionDeniedError()
    return callback.int_arg(index)


def argument(callback: Callback | None, index: int = 0) -> str:
    """Return argument `index` as text; refuse missing data."""
    if callback is None:
        raise PermissionDeniedError()
    return callback.arg(index)
