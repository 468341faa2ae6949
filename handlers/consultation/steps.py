"""What the step-by-step consultation flows share: reading a pressed button, a typed time or number."""

from __future__ import annotations

from datetime import date, datetime

from handlers.callback_data import BadCallbackError, Callback, unpack
from handlers.context import Context
from handlers.events import EventKind
from handlers.texts import _
from village.consultation.times import parse_day, parse_moment
from village.errors import PermissionDeniedError

TIME_HINT = _("Sorry, I cannot read that time. Please type it like 12-05 14:00, or tomorrow 14:00.")
DAY_HINT = _("Sorry, I cannot read that date. Please type it like 11-20, or tap a button.")
NUMBER_HINT = _("Please type a number, like 30.")


def pressed(ctx: Context, flow: str, *actions: str) -> Callback | None:
    """Return the pressed button of `flow` if its action is one of `actions`; None for anything else."""
    if ctx.event.kind is not EventKind.BUTTON:
        return None
    callback = unpack(ctx.event.payload)
    if callback is None or callback.flow != flow or callback.action not in actions:
        return None
    return callback


def int_arg(callback: Callback, index: int = 0) -> int:
    """Return a button's number argument; a malformed one is refused like a forged button."""
    try:
        return callback.int_arg(index)
    except BadCallbackError:
        raise PermissionDeniedError() from None


def action_id(ctx: Context, index: int = 0) -> int:
    """Return an id a button pressed outside a conversation carries (its first argument by default)."""
    callback = unpack(ctx.event.payload)
    if callback is None:
        raise PermissionDeniedError()
    return int_arg(callback, index)


def typed(ctx: Context) -> str | None:
    """Return typed text, None for anything else."""
    return ctx.event.text if ctx.event.kind is EventKind.TEXT and ctx.event.text.strip() else None


def typed_moment(ctx: Context, on_day: date | None = None) -> datetime | None:
    """Return a typed date and time in the village's timezone, None when there is none to read."""
    text = typed(ctx)
    if text is None:
        return None
    return parse_moment(text, now=ctx.services.clock.now(), zone=ctx.services.settings.timezone, on_day=on_day)


def typed_day(ctx: Context) -> date | None:
    """Return a typed date, None when there is none to read."""
    text = typed(ctx)
    today = ctx.services.clock.now().astimezone(ctx.services.settings.timezone).date()
    return parse_day(text, today=today) if text is not None else None


def typed_number(ctx: Context) -> int | None:
    """Return a typed whole number (full-width digits too), None otherwise."""
    text = typed(ctx)
    if text is None:
        return None
    digits = "".join(str(int(ch)) if ch.isdigit() else ch for ch in text.strip())
    return int(digits) if digits.isdigit() and len(digits) <= 6 else None
