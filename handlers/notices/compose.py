"""/announce: a cadre's past notices with their figures, and composing a new one step by step.

Kind → text → photo or file → English version → recipients → preview, then send,
change one thing (and come back to the preview), or cancel. Sending turns the
preview's question into the live progress message (bot/broadcasts.py edits it).
"""

from __future__ import annotations

from collections.abc import Sequence

from handlers import glossary
from handlers.callback_data import pack
from handlers.context import Context, keep_media
from handlers.conversations import Flow, MenuItem, MenuSection, State, Turn, finish, goto, reask, stay
from handlers.events import EventKind
from handlers.keyboards import choice_rows, pager_row
from handlers.notices.audience import ask_audience, ask_pick, describe, receive_audience, receive_pick
from handlers.notices.delivery import deliver
from handlers.notices.drafts import FLOW, AnnounceState, audience_of, draft_of, int_arg, next_step, pressed
from handlers.notices.views import category_label, history_line, message_reply, number, progress_text
from handlers.replies import Choice, Reply
from handlers.texts import _, lines
from village.media import MediaKind
from village.notices import NoticeAttachment, NoticeCategory, NoticePage, ProgressMessage
from village.roles import Role

SKIP = glossary.SKIP
SEND = _("✅ Send")
CHANGES = {
    AnnounceState.CATEGORY: _("Kind"), AnnounceState.TEXT: _("Text"), AnnounceState.ATTACHMENT: _("Photo or file"),
    AnnounceState.TRANSLATION: _("English version"), AnnounceState.AUDIENCE: _("Recipients"),
}


async def begin(ctx: Context) -> Turn:
    """List the cadre's past notices with their delivery figures; start a new one when there are none."""
    page = await ctx.services.notices.mine(ctx.actor, ctx.member.village_id, 0)
    if page.total == 0:
        return goto(AnnounceState.CATEGORY)
    return finish(_history(ctx, page))


async def show_past(ctx: Context) -> Turn:
    """Turn the page of the cadre's past notices."""
    page = await ctx.services.notices.mine(ctx.actor, ctx.member.village_id, _page_arg(ctx))
    return stay(_history(ctx, page, edit=True))


async def start_new(ctx: Context) -> Turn:
    """Begin a new notice (cadres only)."""
    ctx.services.notices.check_author(ctx.actor, ctx.member.village_id)
    return goto(AnnounceState.CATEGORY)


def _history(ctx: Context, page: NoticePage, *, edit: bool = False) -> Reply:
    zone = ctx.services.settings.timezone
    body = [history_line(n, f, zone) for n, f in zip(page.items, page.figures, strict=True)]
    pager = pager_row(FLOW, "past", page.page, page.pages)
    new = (Choice(_("✍️ Write a new notice"), pack(FLOW, "new")),)
    return Reply(lines(_("Your notices ({count}), newest first:", count=number(page.total)), *body),
                 choices=(new, pager) if pager else (new,), edit=edit)


async def ask_category(ctx: Context) -> Sequence[Reply]:
    """Offer the four kinds, with what each means for residents."""
    rows = choice_rows([(category_label(c), pack(FLOW, "cat", c.value)) for c in NoticeCategory], per_row=2)
    return [Reply(_("What kind of notice is it?\n📋 Public affairs stay readable by everyone in the village.\n"
                    "🎉 Activities can be muted by residents. Only 🚨 urgent notices are sent during quiet hours."),
                  choices=rows)]


async def receive_category(ctx: Context) -> Turn:
    """Remember the kind."""
    callback = pressed(ctx, "cat")
    if callback is None or callback.arg() not in set(NoticeCategory):
        return reask(Reply(_("Please tap one of the kinds above.")))
    ctx.draft["category"] = callback.arg()
    return next_step(ctx, AnnounceState.TEXT)


async def ask_text(ctx: Context) -> Sequence[Reply]:
    """Ask for the text."""
    return [Reply(_("Please type the text of the notice (at most {limit} characters).",
                    limit=ctx.services.notices.policy.max_text_length))]


async def receive_text(ctx: Context) -> Turn:
    """Check and remember the text."""
    if ctx.event.kind is not EventKind.TEXT:
        return reask(Reply(_("Please type the text as a message.")))
    ctx.draft["text"] = ctx.services.notices.check_text(ctx.event.text)
    return next_step(ctx, AnnounceState.ATTACHMENT)


async def ask_attachment(ctx: Context) -> Sequence[Reply]:
    """Offer to add a photo or a PDF or Excel file."""
    buttons = [Choice(SKIP, pack(FLOW, "skip"))]
    if ctx.draft.get("attachment"):
        buttons.append(Choice(_("🗑 Remove the photo or file"), pack(FLOW, "drop")))
    return [Reply(_("You can add a photo or a file (PDF or Excel). Send it now, or tap {skip}.", skip=SKIP),
                  choices=(tuple(buttons),))]


async def receive_attachment(ctx: Context) -> Turn:
    """Keep the photo or file, or go on without one."""
    if pressed(ctx, "skip"):
        return next_step(ctx, AnnounceState.TRANSLATION)
    if pressed(ctx, "drop"):
        ctx.draft.pop("attachment", None)
        return next_step(ctx, AnnounceState.TRANSLATION)
    media = ctx.event.media
    if ctx.event.kind not in (EventKind.PHOTO, EventKind.DOCUMENT) or media is None:
        return reask(Reply(_("Please send a photo or a file, or tap {skip}.", skip=SKIP)))
    kind = MediaKind.PHOTO if ctx.event.kind is EventKind.PHOTO else MediaKind.DOCUMENT
    if kind is MediaKind.DOCUMENT:
        ctx.services.notices.check_document(media.mime_type, media.file_name)
    stored = await keep_media(ctx, media, kind)
    ctx.draft["attachment"] = NoticeAttachment(kind, stored.id, media.file_name).as_json()
    return next_step(ctx, AnnounceState.TRANSLATION)


async def ask_translation(ctx: Context) -> Sequence[Reply]:
    """Offer to add an English version for residents who read English."""
    buttons = [Choice(SKIP, pack(FLOW, "skip"))]
    if ctx.draft.get("translation"):
        buttons.append(Choice(_("🗑 Remove the English version"), pack(FLOW, "drop")))
    return [Reply(_("Residents who chose English get the text as you wrote it. To give them an English version, "
                    "type it now; or tap Skip."), choices=(tuple(buttons),))]


async def receive_translation(ctx: Context) -> Turn:
    """Remember the English version, or go on without one."""
    if pressed(ctx, "skip"):
        return next_step(ctx, AnnounceState.AUDIENCE)
    if pressed(ctx, "drop"):
        ctx.draft.pop("translation", None)
        return next_step(ctx, AnnounceState.AUDIENCE)
    if ctx.event.kind is not EventKind.TEXT:
        return reask(Reply(_("Please type the English text, or tap {skip}.", skip=SKIP)))
    ctx.draft["translation"] = ctx.services.notices.check_text(ctx.event.text)
    return next_step(ctx, AnnounceState.AUDIENCE)


async def ask_preview(ctx: Context) -> Sequence[Reply]:
    """Show the notice as residents will see it, how many it reaches, and send / change."""
    draft = draft_of(ctx)
    count = await ctx.services.notices.count(ctx.actor, draft)
    village = await ctx.services.store.places.village(draft.village_id)
    shown = message_reply(draft.category, draft.text, draft.attachment, village.name if village else "")
    held = ctx.services.notices.held_until(draft.category)
    zone = ctx.services.settings.timezone
    summary = lines(
        await describe(ctx, audience_of(ctx)),
        _("That is {people} people; {accounts} of them use Hemei and will get it now.", people=number(count.people),
          accounts=number(count.accounts - count.muted)),
        _("{count} muted activities and will only find it under Notices.", count=number(count.muted))
        if count.muted else None,
        _("It is quiet hours now: it will be sent at {time}.", time=held.astimezone(zone).strftime("%H:%M"))
        if held else None,
        _("Send it?") if count.people else _("Nobody is in this audience. Please change the recipients."),
    )
    send = (Choice(SEND, pack(FLOW, "send")),) if count.people else ()
    return [shown, Reply(summary, choices=((*send, Choice(glossary.CHANGE, pack(FLOW, "edit"))),))]


async def receive_preview(ctx: Context) -> Turn:
    """Send the notice, or choose what to change."""
    if pressed(ctx, "edit"):
        return goto(AnnounceState.CHANGE)
    if not pressed(ctx, "send"):
        return reask(Reply(_("Please tap {send}, or {change}.", send=SEND, change=glossary.CHANGE)))
    return await _send(ctx)


async def _send(ctx: Context) -> Turn:
    event = ctx.event
    # A channel that cannot edit (WeChat) has no message to refer to: the final report then goes as a new one.
    progress = ProgressMessage(event.channel, event.chat_ref, event.message_ref or "", ctx.locale)
    notice = await ctx.services.notices.publish(ctx.actor, draft_of(ctx), progress=progress)
    await deliver(ctx.notify, ctx.services, notice)
    figures = await ctx.services.notices.progress(notice)
    return finish(Reply(progress_text(notice, figures), edit=True),
                  Reply(_("The notice is on its way. The message above shows how many have received it.")))


async def ask_change(ctx: Context) -> Sequence[Reply]:
    """Offer each part of the notice to change."""
    rows = choice_rows([(label, pack(FLOW, "chg", state.name)) for state, label in CHANGES.items()], per_row=2)
    return [Reply(_("What would you like to change?"), choices=rows)]


async def receive_change(ctx: Context) -> Turn:
    """Go to the chosen step; it returns to the preview afterwards."""
    callback = pressed(ctx, "chg")
    state = next((s for s in CHANGES if callback and s.name == callback.arg()), None)
    if state is None:
        return reask(Reply(_("Please tap one of the buttons above.")))
    ctx.draft["changing"] = True
    return goto(state)


def _page_arg(ctx: Context) -> int:
    callback = pressed(ctx, "past")
    return int_arg(callback) if callback else 0


def build() -> Flow:
    """Return the /announce flow."""
    return Flow(
        name=FLOW,
        begin=begin,
        commands=("announce",),
        menu=MenuItem(glossary.SEND_NOTICE, roles=frozenset({Role.CADRE}), order=30, section=MenuSection.TOOLS),
        actions={"new": start_new, "past": show_past},
        states={
            AnnounceState.CATEGORY: State(ask_category, receive_category),
            AnnounceState.TEXT: State(ask_text, receive_text),
            AnnounceState.ATTACHMENT: State(ask_attachment, receive_attachment),
            AnnounceState.TRANSLATION: State(ask_translation, receive_translation),
            AnnounceState.AUDIENCE: State(ask_audience, receive_audience),
            AnnounceState.PICK: State(ask_pick, receive_pick),
            AnnounceState.PREVIEW: State(ask_preview, receive_preview),
            AnnounceState.CHANGE: State(ask_change, receive_change),
        },
        expired=_("Your unfinished notice was discarded after a long pause. Send /announce to start again."),
    )
