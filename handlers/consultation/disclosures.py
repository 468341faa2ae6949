"""The two disclosures (两公开): a manager writes the meeting's resolution, later its implementation result,
checks it, and publishes it to everyone in the meeting's scope and to each agenda topic's followers."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum, auto

from handlers.callback_data import pack
from handlers.consultation import notices, steps
from handlers.consultation.meetings import page_reply
from handlers.consultation.names import DISCLOSE
from handlers.context import Context
from handlers.conversations import Flow, State, Turn, finish, goto, reask
from handlers.replies import Choice, Reply
from handlers.texts import _, lines
from village.consultation.meetings import MAX_TEXT, MeetingStatus, clean_text
from village.errors import ConflictError, ErrorCode, PermissionDeniedError

RESOLUTION, RESULT = "resolution", "result"


class DisclosureState(Enum):
    """Writing and confirming a disclosure."""

    TEXT = auto()
    CONFIRM = auto()


async def _begin(ctx: Context, kind: str) -> Turn:
    meeting_id = steps.action_id(ctx)
    page = await ctx.services.meetings.page(ctx.actor, meeting_id)
    if not page.may_manage:
        raise PermissionDeniedError()
    expected = MeetingStatus.PUBLISHED if kind == RESOLUTION else MeetingStatus.RESOLVED
    if page.meeting.status is not expected:
        raise ConflictError(ErrorCode.MEETING_RESOLUTION_FIRST if kind == RESULT
                            else ErrorCode.MEETING_ALREADY_DISCLOSED)
    if not page.meeting.has_started(ctx.services.clock.now()):
        raise ConflictError(ErrorCode.MEETING_NOT_STARTED)
    ctx.draft.update(meeting_id=meeting_id, kind=kind, title=page.meeting.title)
    return goto(DisclosureState.TEXT)


async def begin_resolution(ctx: Context) -> Turn:
    """Start writing the resolution."""
    return await _begin(ctx, RESOLUTION)


async def begin_result(ctx: Context) -> Turn:
    """Start writing the implementation result."""
    return await _begin(ctx, RESULT)


async def ask_text(ctx: Context) -> Sequence[Reply]:
    """Ask for the text."""
    if ctx.draft["kind"] == RESULT:
        return [Reply(_("Please type the implementation result of “{title}”:", title=ctx.draft["title"]))]
    return [Reply(_("Please type the resolution of “{title}”:", title=ctx.draft["title"]))]


async def receive_text(ctx: Context) -> Turn:
    """Keep the text."""
    text = steps.typed(ctx)
    if text is None:
        return reask(Reply(_("Please type it as text.")))
    ctx.draft["text"] = clean_text(text, maximum=MAX_TEXT)
    return goto(DisclosureState.CONFIRM)


async def ask_confirm(ctx: Context) -> Sequence[Reply]:
    """Show the text before it goes to everyone."""
    text = lines(_("This will be sent to everyone the meeting concerns, and kept on its page:"), ctx.draft["text"])
    return [Reply(text, choices=((Choice(_("📢 Publish"), pack(DISCLOSE, "publish")),),))]


async def receive_confirm(ctx: Context) -> Turn:
    """Publish it and send it out."""
    if steps.pressed(ctx, DISCLOSE, "publish") is None:
        return reask(Reply(_("Please tap 📢 Publish, or ❌ Cancel.")))
    meeting_id, result = int(ctx.draft["meeting_id"]), ctx.draft["kind"] == RESULT
    if result:
        disclosed = await ctx.services.disclosures.publish_result(ctx.actor, meeting_id, ctx.draft["text"])
    else:
        disclosed = await ctx.services.disclosures.publish_resolution(ctx.actor, meeting_id, ctx.draft["text"])
    told = await notices.disclosure(ctx.notify, disclosed, result=result, publisher=ctx.member.id)
    return finish(Reply(_("📢 Published. {count} people are being told.", count=told)),
                  await page_reply(ctx, meeting_id))


def build() -> Flow:
    """Return the flow for publishing a resolution or a result."""
    return Flow(
        name=DISCLOSE,
        begin=begin_resolution,
        actions={RESOLUTION: begin_resolution, RESULT: begin_result},
        states={
            DisclosureState.TEXT: State(ask_text, receive_text),
            DisclosureState.CONFIRM: State(ask_confirm, receive_confirm),
        },
        expired=_("Publishing timed out; nothing was published."),
    )
