"""四议两公开 (/matters): every major matter of the village with its six stages, for everyone to read;
cadres open a matter (matter_new) and record its next stage (handlers/consultation/stages.py)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum, auto

from handlers import glossary
from handlers.callback_data import pack
from handlers.consultation import labels, steps
from handlers.consultation.names import MATTER_NEW, MATTERS, STAGE
from handlers.context import Context
from handlers.conversations import Flow, MenuItem, State, Turn, finish, goto, reask, stay
from handlers.replies import Attachment, AttachmentKind, Button, Reply
from handlers.texts import Content, _, lines
from village.consultation.matters import STAGES, MatterHistory, StageRecord
from village.consultation.meetings import MAX_TEXT, MAX_TITLE, MIN_TEXT, clean_text, clean_title
from village.errors import NotFoundError, PermissionDeniedError
from village.media import MediaKind
from village.roles import Role

NUMBERS = "①②③④⑤⑥"


async def begin(ctx: Context) -> Turn:
    """List the village's major matters, each with how far it has come."""
    matters = await ctx.services.matters.in_village(ctx.actor, ctx.member.village_id)
    rows = [(Button(_("{title} ({done}/{total})", title=m.title, done=m.stages_done, total=len(STAGES)),
                    pack(MATTERS, "show", m.id)),) for m in matters]
    if ctx.member.has_role(ctx.member.village_id, Role.CADRE):
        rows.append((Button(_("➕ Open a major matter"), pack(MATTER_NEW, "new")),))
    intro = _("🏛 Major village matters go through six stages: the party branch proposes, the two committees discuss, "
              "the party members review, the villagers' representatives decide, then the resolution and the result "
              "are made public.")
    text = intro if matters else lines(intro, _("There are no major matters yet."))
    return finish(Reply(text, buttons=tuple(rows)), menu=False)  # the menu keyboard is still shown


def stage_line(record: StageRecord, zone_day: Content) -> Content:
    """Return one recorded stage, with the representatives' figures at their stage."""
    number = NUMBERS[record.position]
    head = _("✅ {number} {stage} — {day}: {outcome}", number=number, stage=labels.STAGES[record.stage],
             day=zone_day, outcome=record.outcome)
    vote = record.vote
    if vote is None:
        return head
    return lines(head, _("    {total} representatives, {present} present; for {votes_for}, against {against}, "
                         "abstaining {abstain}", total=vote.representatives, present=len(vote.present),
                         votes_for=vote.votes_for, against=vote.votes_against, abstain=vote.abstentions))


def history_reply(history: MatterHistory) -> Reply:
    """Return a matter's page: each stage, recorded or waiting, and the buttons."""
    matter, done = history.matter, len(history.stages)
    recorded = [stage_line(r, labels.day(r.held_on)) for r in history.stages]
    waiting = [_("⬜ {number} {stage} — not yet", number=NUMBERS[i], stage=labels.STAGES[stage])
               for i, stage in enumerate(STAGES) if i >= done]
    rows = [(Button(_("📎 Document of {number}", number=NUMBERS[r.position]), pack(MATTERS, "doc", matter.id,
                                                                                 r.position)),)
            for r in history.stages if r.document is not None]
    if history.may_record and history.next_stage is not None:
        rows.append((Button(_("✍️ Record: {stage}", stage=labels.STAGES[history.next_stage]),
                            pack(STAGE, "record", matter.id)),))
    text = lines(_("🏛 {title}", title=matter.title), matter.description, *recorded, *waiting)
    return Reply(text, buttons=tuple(rows))


async def show(ctx: Context) -> Turn:
    """Show a matter's history."""
    return stay(history_reply(await ctx.services.matters.history(ctx.actor, steps.action_id(ctx))))


async def document(ctx: Context) -> Turn:
    """Send the document kept with a stage."""
    history = await ctx.services.matters.history(ctx.actor, steps.action_id(ctx))
    position = steps.action_id(ctx, 1)
    record = next((r for r in history.stages if r.position == position and r.document is not None), None)
    if record is None or record.document is None:
        raise NotFoundError()
    kind = AttachmentKind.PHOTO if record.document.kind is MediaKind.PHOTO else AttachmentKind.DOCUMENT
    attachment = Attachment(kind, media_id=record.document.media_id, file_name=record.document.file_name)
    return stay(Reply(_("{number} {stage}", number=NUMBERS[position], stage=labels.STAGES[record.stage]),
                      attachment=attachment))


class OpenState(Enum):
    """The questions of opening a matter."""

    TITLE = auto()
    DESCRIPTION = auto()


async def begin_open(ctx: Context) -> Turn:
    """Start opening a matter (cadres)."""
    if not ctx.member.has_role(ctx.member.village_id, Role.CADRE):
        raise PermissionDeniedError()
    return goto(OpenState.TITLE)


async def ask_title(ctx: Context) -> Sequence[Reply]:
    """Ask for the matter's title."""
    return [Reply(_("What is the major matter? Type a short title ({length}):",
                    length=glossary.length(MIN_TEXT, MAX_TITLE)))]


async def receive_title(ctx: Context) -> Turn:
    """Keep the title."""
    text = steps.typed(ctx)
    if text is None:
        return reask(Reply(_("Please type the title as text.")))
    ctx.draft["title"] = clean_title(text)
    return goto(OpenState.DESCRIPTION)


async def ask_description(ctx: Context) -> Sequence[Reply]:
    """Ask for a description, which may be skipped."""
    return [Reply(_("Describe it in a few sentences, or tap {skip}.", skip=glossary.SKIP),
                  buttons=((Button(glossary.SKIP, pack(MATTER_NEW, "skip")),),))]


async def receive_description(ctx: Context) -> Turn:
    """Open the matter."""
    text = steps.typed(ctx)
    if text is None and steps.pressed(ctx, MATTER_NEW, "skip") is None:
        return reask(Reply(_("Please type it as text, or tap {skip}.", skip=glossary.SKIP)))
    description = clean_text(text, maximum=MAX_TEXT) if text else None
    matter = await ctx.services.matters.open(ctx.actor, ctx.member.village_id, ctx.draft["title"], description)
    history = await ctx.services.matters.history(ctx.actor, matter.id)
    return finish(Reply(_("🏛 The matter is opened. Record its stages in order as they happen.")),
                  history_reply(history))


def build() -> list[Flow]:
    """Return the matters flow and the flow for opening one."""
    return [
        Flow(name=MATTERS, begin=begin, commands=("matters",), menu=MenuItem(glossary.MATTERS, order=42),
             actions={"show": show, "doc": document}),
        Flow(name=MATTER_NEW, begin=begin_open, actions={"new": begin_open},
             states={OpenState.TITLE: State(ask_title, receive_title),
                     OpenState.DESCRIPTION: State(ask_description, receive_description)},
             expired=_("Opening the matter timed out; nothing was saved.")),
    ]
