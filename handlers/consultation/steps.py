"""What the step-by-step consultation flows share: a pressed button, a typed time or number, a duration."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from handlers.callback_data import Callback, pack, unpack
from handlers.context import Context
from handlers.events import EventKind
from handlers.replies import Choice, Reply
from handlers.texts import _
from village.consultation.meetings import check_start
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
    """Return a button's number argument; the engine answers a malformed one like a stale button."""
    return callback.int_arg(index)


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


HOUR_CHOICES = ("1", "1.5", "2", "3")


def typed_start(ctx: Context) -> datetime | None:
    """Read a typed start time, refuse one in the past, and keep it in the draft; None if unreadable."""
    start = typed_moment(ctx)
    if start is not None:
        check_start(start, ctx.services.clock.now())
        ctx.draft["start"] = start.isoformat()
    return start


def duration_question(flow: str) -> Reply:
    """Ask how long a meeting lasts: duration buttons, or a typed end time."""
    buttons = tuple(Choice(_("{hours} h", hours=h), pack(flow, "hours", h)) for h in HOUR_CHOICES)
    return Reply(_("How long will it last? Tap a button, or type the end time, e.g. 16:00."), choices=(buttons,))


def chosen_end(ctx: Context, flow: str) -> datetime | None:
    """Return the end from a duration button or a typed time on the start's day; None if unreadable."""
    start = datetime.fromisoformat(ctx.draft["start"])
    callback = pressed(ctx, flow, "hours")
    if callback is not None and callback.arg() in HOUR_CHOICES:
        return start + timedelta(hours=float(callback.arg()))
    return typed_moment(ctx, on_day=start.astimezone(ctx.services.settings.timezone).date())
