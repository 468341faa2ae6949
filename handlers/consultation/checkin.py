"""Checking in at the venue (/checkin): send the meeting's code shown there."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum, auto

from handlers.consultation import steps
from handlers.consultation.names import CHECKIN
from handlers.context import Context
from handlers.conversations import Flow, State, Turn, finish, goto, reask
from handlers.events import EventKind
from handlers.replies import Reply
from handlers.texts import _


class CheckInState(Enum):
    """Waiting for the code."""

    CODE = auto()


async def begin(ctx: Context) -> Turn:
    """Check in at once with `/checkin 1234`, or ask for the code."""
    code = ctx.event.text.strip() if ctx.event.kind is EventKind.COMMAND else ""
    if code:
        return await _check_in(ctx, code)
    return goto(CheckInState.CODE)


async def begin_for_meeting(ctx: Context) -> Turn:
    """Ask for the code of the meeting whose button was pressed."""
    ctx.draft["meeting_id"] = steps.action_id(ctx)
    return goto(CheckInState.CODE)


async def ask_code(ctx: Context) -> Sequence[Reply]:
    """Ask for the code."""
    return [Reply(_("Please type the 6-digit check-in code shown at the venue:"))]


async def receive_code(ctx: Context) -> Turn:
    """Check in with the typed code."""
    text = steps.typed(ctx)
    if text is None:
        return reask(Reply(_("Please type the code's digits.")))
    return await _check_in(ctx, text)


async def _check_in(ctx: Context, code: str) -> Turn:
    result = await ctx.services.signups.check_in(ctx.actor, code, ctx.draft.get("meeting_id"))
    if result.meeting is None:
        return goto(CheckInState.CODE, Reply(_(
            "That check-in code is not right. Please check the code shown at the venue and type it again "
            "({count} tries left this hour).", count=result.attempts_left)))
    return finish(Reply(_("✅ You are checked in. Welcome to “{title}”!", title=result.meeting.title)))


def build() -> Flow:
    """Return the check-in flow."""
    return Flow(
        name=CHECKIN,
        begin=begin,
        commands=("checkin",),
        actions={"ask": begin_for_meeting},
        states={CheckInState.CODE: State(ask_code, receive_code)},
        expired=_("Check-in timed out. Tap ✅ Check in here on the meeting's page to try again."),
    )
