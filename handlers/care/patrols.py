"""Logging a patrol (巡查): where → what was seen (text or voice) → done, or "found a problem", which
files a report (the patroller's own) linked to the patrol."""

from __future__ import annotations

from collections.abc import Sequence

from handlers.callback_data import pack
from handlers.care.states import FLOW, CareState
from handlers.care.visits import ALL_WELL, FOUND_PROBLEM
from handlers.context import Context
from handlers.conversations import Turn, finish, goto, reask
from handlers.events import EventKind
from handlers.keyboards import choice_rows, request_keyboard
from handlers.replies import Button, KeyRequest, Reply
from handlers.reports import notices as report_notices
from handlers.reports.categories import category_name
from handlers.reports.filing import SEND_LOCATION, button, keep, media_json, media_of, point_json, point_of
from handlers.texts import _, lines
from village.care.models import PatrolDraft
from village.media import MediaKind
from village.reports import ReportDraft


async def ask_where(ctx: Context) -> Sequence[Reply]:
    """Ask where the patrol went: the phone's location, or a typed place."""
    return [Reply(_("Where did you patrol? Tap {location}, or type the place.", location=SEND_LOCATION),
                  keyboard=request_keyboard(SEND_LOCATION, KeyRequest.LOCATION))]


async def receive_where(ctx: Context) -> Turn:
    """Keep the location or the place."""
    if ctx.event.kind is EventKind.LOCATION and ctx.event.location is not None:
        ctx.draft["point"] = point_json(ctx.event.location.point)
        return goto(CareState.PATROL_NOTE, Reply(_("📍 Location received.")))
    if ctx.event.kind is EventKind.TEXT:
        ctx.draft["address"] = ctx.services.reports.check_address(ctx.event.text)
        return goto(CareState.PATROL_NOTE)
    return reask(Reply(_("Please tap {location}, or type the place.", location=SEND_LOCATION)))


async def ask_note(ctx: Context) -> Sequence[Reply]:
    """Ask what was seen, typed or spoken."""
    return [Reply(_("What did you see? Type it, or send a voice message."))]


async def receive_note(ctx: Context) -> Turn:
    """Keep the note."""
    if ctx.event.kind is EventKind.TEXT:
        ctx.draft["text"] = ctx.services.care.check_note(ctx.event.text)
        return goto(CareState.PATROL_OUTCOME)
    if ctx.event.kind is EventKind.VOICE:
        ctx.draft["voice"] = media_json(await keep(ctx, MediaKind.VOICE))
        return goto(CareState.PATROL_OUTCOME, Reply(_("🎤 Voice message received.")))
    return reask(Reply(_("Please type a few words, or send a voice message.")))


async def ask_outcome(ctx: Context) -> Sequence[Reply]:
    """Submit the patrol, or say a problem was found."""
    return [Reply(_("Did you find a problem that needs handling? Then tap {problem}: a report is filed.",
                    problem=FOUND_PROBLEM),
                  buttons=((Button(ALL_WELL, pack(FLOW, "ok")),), (Button(FOUND_PROBLEM, pack(FLOW, "problem")),)))]


async def receive_outcome(ctx: Context) -> Turn:
    """Record the patrol, or ask the kind of problem."""
    pressed = button(ctx)
    if pressed is not None and pressed.action == "problem":
        return goto(CareState.PATROL_KIND)
    if pressed is None or pressed.action != "ok":
        return reask(Reply(_("Please tap one of the buttons.")))
    await ctx.services.care.log_patrol(ctx.actor, _draft(ctx, problem=False))
    return finish(Reply(_("✅ Patrol recorded.")))


async def ask_kind(ctx: Context) -> Sequence[Reply]:
    """Offer the report categories."""
    categories = ctx.services.reports.policy.categories
    choices = [(category_name(name), pack(FLOW, "kind", i)) for i, name in enumerate(categories)]
    return [Reply(_("What kind of problem is it? Tap one:"), buttons=choice_rows(choices, per_row=2))]


async def receive_kind(ctx: Context) -> Turn:
    """Record the patrol and file the report."""
    pressed = button(ctx)
    if pressed is None or pressed.action != "kind":
        return reask(Reply(_("Please tap one of the kinds of problem below.")))
    category = ctx.services.reports.check_category(pressed.int_arg())
    patrol = await ctx.services.care.log_patrol(ctx.actor, _draft(ctx, problem=True))
    report = ReportDraft(category=category, text=patrol.draft.note, voice=patrol.draft.voice,
                         point=patrol.draft.point, address=patrol.draft.address)
    filed = await ctx.services.reports.file(ctx.actor, report)
    await ctx.services.care.link_patrol_report(ctx.actor, patrol, filed.report.id)
    await report_notices.to_handlers(ctx.notify, ctx.services, filed)
    return finish(Reply(lines(_("✅ Patrol recorded."),
                              _("Report {code} was filed and sent to its handler.", code=filed.report.code))))


def _draft(ctx: Context, *, problem: bool) -> PatrolDraft:
    draft = ctx.draft
    return PatrolDraft(draft.get("text", ""), media_of(draft["voice"]) if draft.get("voice") else None,
                       point_of(draft["point"]) if draft.get("point") else None, draft.get("address", ""), problem)
