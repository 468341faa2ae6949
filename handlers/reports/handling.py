"""Handling reports from the card's buttons: accept, consult, start, resolve, reject, reassign, merge, comment.

Every button names the report by id only; the service checks again who may do
what, so a forged or stale button is refused politely. Steps that need words
(the parties, the note, the reason) ask for them in a short conversation.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from enum import Enum, auto

from handlers import glossary
from handlers.callback_data import pack, unpack
from handlers.context import Context
from handlers.conversations import Flow, State, Turn, finish, goto, reask, stay
from handlers.events import EventKind
from handlers.keyboards import choice_rows
from handlers.replies import Choice, Reply
from handlers.reports import notices
from handlers.reports.cards import HANDLE, card_reply, list_label, timeline, title
from handlers.reports.filing import keep
from handlers.texts import Content, _, lines
from village.errors import InvalidInputError
from village.media import MediaKind
from village.reports import ReportAction, ReportChange

Action = Callable[[Context], Awaitable[Turn]]


class HandleState(Enum):
    """A handling step that needs words or a choice."""

    PARTIES = auto()
    NOTE = auto()
    PHOTO = auto()
    REASON = auto()
    ASSIGNEE = auto()
    MERGE = auto()
    MERGE_CONFIRM = auto()
    COMMENT = auto()


def pressed_id(ctx: Context) -> int:
    """Return the report id a button names; refuse data that is not ours."""
    callback = unpack(ctx.event.payload) if ctx.event.kind is EventKind.BUTTON else None
    if callback is None:
        raise InvalidInputError()
    return callback.int_arg()


async def _card(ctx: Context, report_id: int, *, edit: bool = False, intro: Content | None = None) -> Reply:
    view = await ctx.services.reports.staff_view(ctx.actor, report_id)
    return card_reply(view, ctx.services.settings.timezone, edit=edit, intro=intro)


async def _announce(ctx: Context, change: ReportChange) -> None:
    await notices.announce(ctx.notify, ctx.services, change, actor_id=ctx.member.id)


async def _done(ctx: Context, change: ReportChange, text: Content) -> Turn:
    """End a handling step: tell the reporter, show the card again, and the menu."""
    await _announce(ctx, change)
    return finish(await _card(ctx, change.report.id), Reply(text))


async def show_card(ctx: Context) -> Turn:
    """Show a report's card with its photos, voice and location."""
    view = await ctx.services.reports.staff_view(ctx.actor, pressed_id(ctx))
    media = notices.media_replies(view.report, view.media)
    return stay(*media, card_reply(view, ctx.services.settings.timezone))


async def show_timeline(ctx: Context) -> Turn:
    """Show every row of the report's timeline, comments and reminders included."""
    view = await ctx.services.reports.staff_view(ctx.actor, pressed_id(ctx))
    zone = ctx.services.settings.timezone
    return stay(Reply(lines(title(view.report), timeline(view.events, view.names, zone))))


async def reveal(ctx: Context) -> Turn:
    """Tell a cadre or supervisor who filed an anonymous report; the service audits each view."""
    report_id = pressed_id(ctx)
    name = await ctx.services.reports.reveal_reporter(ctx.actor, report_id)
    report = await ctx.services.reports.staff_view(ctx.actor, report_id)
    return stay(Reply(_("Report {code} was filed by {name}. Please keep it confidential; this view is recorded "
                        "in the audit log.", code=report.report.code, name=name)))


async def accept(ctx: Context) -> Turn:
    """Accept the report (受理) and update the card in place."""
    change = await ctx.services.reports.accept(ctx.actor, pressed_id(ctx))
    await _announce(ctx, change)
    return stay(await _card(ctx, change.report.id, edit=True, intro=_("✅ Accepted. The reporter has been told.")))


async def start(ctx: Context) -> Turn:
    """Mark the work started (处置中) and update the card in place."""
    change = await ctx.services.reports.start(ctx.actor, pressed_id(ctx))
    await _announce(ctx, change)
    return stay(await _card(ctx, change.report.id, edit=True, intro=_("🔧 Work started.")))


def _asking(state: HandleState, action: ReportAction) -> Action:
    """Return a button handler that checks the action is possible, then asks for its details."""

    async def begin(ctx: Context) -> Turn:
        report = await ctx.services.reports.prepare(ctx.actor, pressed_id(ctx), action)
        ctx.draft = {"id": report.id}
        return goto(state, Reply(_("Report {title}", title=title(report))))

    return begin


async def ask_parties(ctx: Context) -> Sequence[Reply]:
    """Ask who takes part in the consultation."""
    return [Reply(_("Who takes part in the consultation? Type them, e.g. village committee, property manager, "
                    "police."))]


async def receive_parties(ctx: Context) -> Turn:
    """Mark the report as under consultation with those parties."""
    if ctx.event.kind is not EventKind.TEXT:
        return await _other_button(ctx) or reask(Reply(_("Please type the parties.")))
    change = await ctx.services.reports.consult(ctx.actor, int(ctx.draft["id"]), ctx.event.text)
    return await _done(ctx, change, _("🤝 Marked as under consultation."))


async def ask_note(ctx: Context) -> Sequence[Reply]:
    """Ask what was done: the reporter reads it."""
    return [Reply(_("What was done? Write a short note; the reporter will read it."))]


async def receive_note(ctx: Context) -> Turn:
    """Keep the note and ask for a photo of the fix."""
    if ctx.event.kind is not EventKind.TEXT:
        return await _other_button(ctx) or reask(Reply(_("Please type a short note.")))
    ctx.draft["note"] = ctx.services.reports.check_note(ctx.event.text)
    return goto(HandleState.PHOTO)


async def ask_photo(ctx: Context) -> Sequence[Reply]:
    """Offer to add a photo of the fix."""
    return [Reply(_("You can send a photo of the fix. If you have none, tap “No photo”."),
                  choices=((Choice(_("No photo"), pack(HANDLE, "nophoto")),),))]


async def receive_photo(ctx: Context) -> Turn:
    """Resolve the report, with the photo if one came."""
    photo = None
    if ctx.event.kind is EventKind.PHOTO:
        photo = await keep(ctx, MediaKind.PHOTO)
    elif not _pressed(ctx, "nophoto"):
        return await _other_button(ctx) or reask(Reply(_("Please send a photo, or tap “No photo”.")))
    change = await ctx.services.reports.resolve(ctx.actor, int(ctx.draft["id"]), ctx.draft["note"], photo)
    return await _done(ctx, change, _("🏁 Resolved. The reporter has been asked to rate it."))


async def ask_reason(ctx: Context) -> Sequence[Reply]:
    """Ask why the report is not taken up: the reporter reads it."""
    return [Reply(_("Why can it not be taken up? The reporter will read the reason."))]


async def receive_reason(ctx: Context) -> Turn:
    """Reject the report with the reason."""
    if ctx.event.kind is not EventKind.TEXT:
        return await _other_button(ctx) or reask(Reply(_("Please type the reason.")))
    change = await ctx.services.reports.reject(ctx.actor, int(ctx.draft["id"]), ctx.event.text)
    return await _done(ctx, change, _("🚫 Not accepted. The reporter has been told the reason."))


async def ask_assignee(ctx: Context) -> Sequence[Reply]:
    """List the village's grid workers and cadres."""
    people = await ctx.services.reports.assignees(ctx.actor, int(ctx.draft["id"]))
    choices = [(p.name, pack(HANDLE, "to", p.id)) for p in people]
    return [Reply(_("Pass it to whom?"), choices=choice_rows(choices, per_row=2))]


async def receive_assignee(ctx: Context) -> Turn:
    """Reassign, and send the report to its new handler."""
    if not _pressed(ctx, "to"):
        return await _other_button(ctx) or reask(Reply(_("Please tap a name.")))
    change = await ctx.services.reports.reassign(ctx.actor, int(ctx.draft["id"]), pressed_id(ctx))
    await notices.to_new_assignee(ctx.notify, ctx.services, change)
    return finish(await _card(ctx, change.report.id), Reply(_("🔀 Passed on.")))


async def ask_merge(ctx: Context) -> Sequence[Reply]:
    """List open reports it may duplicate; a code can be typed too."""
    now = ctx.services.clock.now()
    others = await ctx.services.reports.merge_candidates(ctx.actor, int(ctx.draft["id"]))
    choices = [(list_label(r, now), pack(HANDLE, "into", r.id)) for r in others]
    text = _("Which report is it the same as? Tap it, or type its number (e.g. FX01-2611-0001).")
    return [Reply(text, choices=choice_rows(choices))] if choices else [Reply(text)]


async def receive_merge(ctx: Context) -> Turn:
    """Merge into the chosen or typed report."""
    report_id = int(ctx.draft["id"])
    if ctx.event.kind is EventKind.TEXT:
        target = (await ctx.services.reports.by_code(ctx.actor, report_id, ctx.event.text)).id
    elif _pressed(ctx, "into"):
        target = pressed_id(ctx)
    else:
        return await _other_button(ctx) or reask(Reply(_("Please tap a report or type its number.")))
    ctx.draft["into"] = (await ctx.services.reports.staff_view(ctx.actor, target)).report.id
    return goto(HandleState.MERGE_CONFIRM)


async def ask_merge_confirm(ctx: Context) -> Sequence[Reply]:
    """Name both reports and ask once more: a merge cannot be undone from the chat."""
    report = (await ctx.services.reports.staff_view(ctx.actor, int(ctx.draft["id"]))).report
    into = (await ctx.services.reports.staff_view(ctx.actor, int(ctx.draft["into"]))).report
    return [Reply(_("Merge {code} into {into} as a duplicate? Its reporter will follow {into} instead. This cannot "
                    "be undone.", code=report.code, into=into.code),
                  choices=((Choice(_("🔗 Yes, merge"), pack(HANDLE, "merge")),),))]


async def receive_merge_confirm(ctx: Context) -> Turn:
    """Merge, once confirmed."""
    if not _pressed(ctx, "merge"):
        return await _other_button(ctx) or reask(Reply(_("Please tap 🔗 Yes, merge, or ⬅️ Back.")))
    change = await ctx.services.reports.merge(ctx.actor, int(ctx.draft["id"]), int(ctx.draft["into"]))
    return await _done(ctx, change, _("🔗 Merged as a duplicate. Its reporter will follow the other report."))


async def ask_comment(ctx: Context) -> Sequence[Reply]:
    """Ask for the comment."""
    return [Reply(_("Type your comment. Only staff see comments."))]


async def receive_comment(ctx: Context) -> Turn:
    """Add the comment to the timeline."""
    if ctx.event.kind is not EventKind.TEXT:
        return await _other_button(ctx) or reask(Reply(_("Please type the comment.")))
    change = await ctx.services.reports.comment(ctx.actor, int(ctx.draft["id"]), ctx.event.text)
    return finish(await _card(ctx, change.report.id), Reply(_("💭 Comment added.")))


def _pressed(ctx: Context, action: str) -> bool:
    callback = unpack(ctx.event.payload) if ctx.event.kind is EventKind.BUTTON else None
    return callback is not None and callback.action == action


async def _other_button(ctx: Context) -> Turn | None:
    """A card button pressed mid-step (another report, say) does what it says."""
    callback = unpack(ctx.event.payload) if ctx.event.kind is EventKind.BUTTON else None
    action = ACTIONS.get(callback.action) if callback is not None else None
    return await action(ctx) if action is not None else None


ACTIONS: dict[str, Action] = {
    "card": show_card,
    "tl": show_timeline,
    "who": reveal,
    "acc": accept,
    "sta": start,
    "con": _asking(HandleState.PARTIES, ReportAction.CONSULT),
    "res": _asking(HandleState.NOTE, ReportAction.RESOLVE),
    "rej": _asking(HandleState.REASON, ReportAction.REJECT),
    "asg": _asking(HandleState.ASSIGNEE, ReportAction.REASSIGN),
    "mrg": _asking(HandleState.MERGE, ReportAction.MERGE),
    "cmt": _asking(HandleState.COMMENT, ReportAction.COMMENT),
}


async def begin(ctx: Context) -> Turn:
    """Not started by a command: point to the queue."""
    return finish(Reply(_("Open {tool} to handle reports.", tool=glossary.REPORT_QUEUE)))


def build() -> Flow:
    """Return the handling flow: buttons on report cards, and the steps that need words."""
    return Flow(
        name=HANDLE,
        begin=begin,
        actions=ACTIONS,
        states={
            HandleState.PARTIES: State(ask_parties, receive_parties),
            HandleState.NOTE: State(ask_note, receive_note),
            HandleState.PHOTO: State(ask_photo, receive_photo),
            HandleState.REASON: State(ask_reason, receive_reason),
            HandleState.ASSIGNEE: State(ask_assignee, receive_assignee),
            HandleState.MERGE: State(ask_merge, receive_merge),
            HandleState.MERGE_CONFIRM: State(ask_merge_confirm, receive_merge_confirm),
            HandleState.COMMENT: State(ask_comment, receive_comment),
        },
        expired=_("A report step you started was not finished in time; nothing was changed."),
    )
