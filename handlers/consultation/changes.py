"""Changing a planned meeting (managers): move it, change its seats, or cancel it with a reason.

Everyone signed up is told of a move or a cancellation; a larger room seats the waitlist in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import Enum, auto

from handlers.consultation import labels, notices, steps
from handlers.consultation.meetings import page_reply
from handlers.consultation.names import CHANGES
from handlers.context import Context
from handlers.conversations import Flow, State, Turn, finish, goto, reask
from handlers.replies import Reply
from handlers.texts import _
from village.errors import PermissionDeniedError


class ChangeState(Enum):
    """The questions of changing a meeting."""

    START = auto()
    END = auto()
    SEATS = auto()
    REASON = auto()


async def _managed(ctx: Context) -> int:
    """Check that the person manages the meeting named by the button, before asking anything."""
    meeting_id = steps.action_id(ctx)
    page = await ctx.services.meetings.page(ctx.actor, meeting_id)
    if not page.may_manage:
        raise PermissionDeniedError()
    ctx.draft.update(meeting_id=meeting_id, title=page.meeting.title, capacity=page.meeting.capacity,
                     confirmed=page.figures.confirmed)
    return meeting_id


async def begin_move(ctx: Context) -> Turn:
    """Ask for the new time."""
    await _managed(ctx)
    return goto(ChangeState.START)


async def begin_seats(ctx: Context) -> Turn:
    """Ask for the new number of seats."""
    await _managed(ctx)
    return goto(ChangeState.SEATS)


async def begin_cancel(ctx: Context) -> Turn:
    """Ask why the meeting is cancelled."""
    await _managed(ctx)
    return goto(ChangeState.REASON)


async def ask_start(ctx: Context) -> Sequence[Reply]:
    """Ask for the new start."""
    return [Reply(_("New start time for “{title}”? Type the date and time, e.g. 12-05 14:00.",
                    title=ctx.draft["title"]))]


async def receive_start(ctx: Context) -> Turn:
    """Keep a new start in the future."""
    if steps.typed_start(ctx) is None:
        return reask(Reply(steps.TIME_HINT))
    return goto(ChangeState.END)


async def ask_end(ctx: Context) -> Sequence[Reply]:
    """Ask how long it lasts, or the end time."""
    return [steps.duration_question(CHANGES)]


async def receive_end(ctx: Context) -> Turn:
    """Move the meeting and tell everyone signed up."""
    start = datetime.fromisoformat(ctx.draft["start"])
    end = steps.chosen_end(ctx, CHANGES)
    if end is None:
        return reask(Reply(steps.TIME_HINT))
    change = await ctx.services.meetings.move(ctx.actor, int(ctx.draft["meeting_id"]), start, end)
    await notices.moved(ctx.notify, change, ctx.services.settings.timezone)
    text = _("⏰ Moved to {when}. {count} people signed up are told.",
             when=labels.span(change.meeting, ctx.services.settings.timezone), count=len(change.signed_up))
    return finish(Reply(text), await page_reply(ctx, change.meeting.id))


async def ask_seats(ctx: Context) -> Sequence[Reply]:
    """Ask for the number of seats, showing the sign-ups so far."""
    return [Reply(_("There are {capacity} seats and {confirmed} people signed up. Type the new number of seats:",
                    capacity=ctx.draft["capacity"], confirmed=ctx.draft["confirmed"]))]


async def receive_seats(ctx: Context) -> Turn:
    """Change the seats; tell whoever moved up from the waitlist."""
    seats = steps.typed_number(ctx)
    if seats is None:
        return reask(Reply(steps.NUMBER_HINT))
    change = await ctx.services.meetings.set_capacity(ctx.actor, int(ctx.draft["meeting_id"]), seats)
    now, zone = ctx.services.clock.now(), ctx.services.settings.timezone
    for signup in change.promoted:
        await notices.promoted(ctx.notify, signup, change.meeting, zone, now)
    text = _("🪑 Now {capacity} seats. {count} people moved up from the waitlist.", capacity=change.meeting.capacity,
             count=len(change.promoted))
    return finish(Reply(text), await page_reply(ctx, change.meeting.id))


async def ask_reason(ctx: Context) -> Sequence[Reply]:
    """Ask for the reason of the cancellation."""
    return [Reply(_("Cancel “{title}”? Please type the reason; everyone signed up will be told. (To keep the "
                    "meeting, tap ❌ Cancel.)", title=ctx.draft["title"]))]


async def receive_reason(ctx: Context) -> Turn:
    """Cancel the meeting and tell everyone signed up."""
    text = steps.typed(ctx)
    if text is None:
        return reask(Reply(_("Please type the reason as text.")))
    change = await ctx.services.meetings.cancel(ctx.actor, int(ctx.draft["meeting_id"]), text)
    await notices.cancelled(ctx.notify, change, ctx.services.settings.timezone)
    return finish(Reply(_("🚫 The meeting is cancelled. {count} people signed up are told.",
                          count=len(change.signed_up))))


def build() -> Flow:
    """Return the flow for changing a meeting."""
    return Flow(
        name=CHANGES,
        begin=begin_move,
        actions={"move": begin_move, "seats": begin_seats, "cancel": begin_cancel},
        states={
            ChangeState.START: State(ask_start, receive_start),
            ChangeState.END: State(ask_end, receive_end),
            ChangeState.SEATS: State(ask_seats, receive_seats),
            ChangeState.REASON: State(ask_reason, receive_reason),
        },
        expired=_("Changing the meeting timed out; nothing was changed."),
    )
