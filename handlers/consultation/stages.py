"""Recording a major matter's next stage (cadres): its date, the outcome, an optional document; at the
representatives' meeting also who attended and the votes. The two public stages are told to the village."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from enum import Enum, auto

from handlers import glossary
from handlers.callback_data import pack
from handlers.consultation import labels, notices, steps
from handlers.consultation.matters import history_reply
from handlers.consultation.names import STAGE
from handlers.context import Context, keep_media
from handlers.conversations import Flow, State, Turn, finish, goto, reask, stay
from handlers.events import EventKind
from handlers.keyboards import nav_row, pager_row
from handlers.replies import Button, Reply
from handlers.texts import _, lines
from village.consultation.matters import (
    PUBLIC_STAGES,
    MatterStage,
    StageDocument,
    StageEntry,
    Vote,
    check_quorum,
    check_stage_date,
    check_vote,
)
from village.consultation.meetings import MAX_TEXT, clean_text
from village.errors import PermissionDeniedError
from village.media import MediaKind

PEOPLE_PER_PAGE = 10


class StageState(Enum):
    """The questions of recording a stage."""

    DATE = auto()
    OUTCOME = auto()
    DOCUMENT = auto()
    PRESENT = auto()
    VOTES_FOR = auto()
    VOTES_AGAINST = auto()
    CONFIRM = auto()


def _stage(ctx: Context) -> MatterStage:
    return MatterStage(ctx.draft["stage"])


async def begin(ctx: Context) -> Turn:
    """Start recording the matter's next stage (cadres)."""
    history = await ctx.services.matters.history(ctx.actor, steps.action_id(ctx))
    if not history.may_record or history.next_stage is None:
        raise PermissionDeniedError()
    previous = history.stages[-1].held_on.isoformat() if history.stages else None
    ctx.draft.update(matter_id=history.matter.id, title=history.matter.title, stage=history.next_stage.value,
                     previous=previous, present=[])
    if history.next_stage is MatterStage.REPRESENTATIVES:
        representatives = await ctx.services.matters.representatives(ctx.actor, history.matter.village_id)
        ctx.draft["representatives"] = [[p.id, p.name] for p in representatives]
    return goto(StageState.DATE)


async def ask_date(ctx: Context) -> Sequence[Reply]:
    """Ask when the stage took place."""
    buttons = (Button(_("Today"), pack(STAGE, "day", 0)), Button(_("Yesterday"), pack(STAGE, "day", 1)))
    return [Reply(_("{title} — {stage}\nOn which day? Tap a button, or type a date like 11-20.",
                    title=ctx.draft["title"], stage=labels.STAGES[_stage(ctx)]), buttons=(buttons,))]


async def receive_date(ctx: Context) -> Turn:
    """Keep a date not in the future and not before the previous stage's."""
    today = ctx.services.clock.now().astimezone(ctx.services.settings.timezone).date()
    callback = steps.pressed(ctx, STAGE, "day")
    held_on = today - timedelta(days=steps.int_arg(callback)) if callback is not None else steps.typed_day(ctx)
    if held_on is None:
        return reask(Reply(steps.DAY_HINT))
    previous = date.fromisoformat(ctx.draft["previous"]) if ctx.draft.get("previous") else None
    check_stage_date(held_on, previous=previous, today=today)
    ctx.draft["held_on"] = held_on.isoformat()
    return goto(StageState.OUTCOME)


async def ask_outcome(ctx: Context) -> Sequence[Reply]:
    """Ask for the outcome, or the text to make public."""
    if _stage(ctx) in PUBLIC_STAGES:
        return [Reply(_("Please type what is made public; the whole village will receive it:"))]
    return [Reply(_("Please type the outcome of this stage:"))]


async def receive_outcome(ctx: Context) -> Turn:
    """Keep the outcome."""
    text = steps.typed(ctx)
    if text is None:
        return reask(Reply(_("Please type it as text.")))
    ctx.draft["outcome"] = clean_text(text, maximum=MAX_TEXT)
    return goto(StageState.DOCUMENT)


async def ask_document(ctx: Context) -> Sequence[Reply]:
    """Ask for the minutes or a photo of the notice, which may be skipped."""
    return [Reply(_("Send the minutes or a photo of the notice if you have one, or tap {skip}.",
                    skip=glossary.SKIP), buttons=((Button(glossary.SKIP, pack(STAGE, "skip")),),))]


async def receive_document(ctx: Context) -> Turn:
    """Keep the photo or file; at the representatives' stage go on to attendance."""
    media = ctx.event.media
    if ctx.event.kind in (EventKind.PHOTO, EventKind.DOCUMENT) and media is not None:
        kind = MediaKind.PHOTO if ctx.event.kind is EventKind.PHOTO else MediaKind.DOCUMENT
        stored = await keep_media(ctx, media, kind)
        ctx.draft["document"] = {"kind": kind.value, "media_id": stored.id, "name": media.file_name}
    elif steps.pressed(ctx, STAGE, "skip") is None:
        return reask(Reply(_("Please send a photo or a file, or tap {skip}.", skip=glossary.SKIP)))
    return goto(StageState.PRESENT if _stage(ctx) is MatterStage.REPRESENTATIVES else StageState.CONFIRM)


async def ask_present(ctx: Context) -> Sequence[Reply]:
    """Offer the representatives to tick who attended."""
    return [_present_question(ctx)]


def _present_question(ctx: Context, *, edit: bool = False) -> Reply:
    people, chosen = ctx.draft["representatives"], set(ctx.draft["present"])
    pages_count = max(1, -(-len(people) // PEOPLE_PER_PAGE))
    page = min(int(ctx.draft.get("page", 0)), pages_count - 1)
    shown = people[page * PEOPLE_PER_PAGE:(page + 1) * PEOPLE_PER_PAGE]
    rows = [tuple(Button(f"{'✅' if pid in chosen else '☐'} {name}", pack(STAGE, "tick", pid))
                  for pid, name in shown[i:i + 2]) for i in range(0, len(shown), 2)]
    pager = pager_row(STAGE, "page", page, pages_count)
    rows += [pager] if pager else []
    rows.append((Button(_("All present"), pack(STAGE, "all")), Button(_("Clear"), pack(STAGE, "none"))))
    rows.append((Button(glossary.next_ticked(len(chosen)), pack(STAGE, "next")),))
    if edit:
        rows.append(nav_row())
    text = _("The village has {total} representatives. Tick who attended the representatives' meeting:",
             total=len(people))
    return Reply(text, buttons=tuple(rows), edit=edit)


async def receive_present(ctx: Context) -> Turn:
    """Tick, untick, turn the page, or go on once more than two thirds attended."""
    callback = steps.pressed(ctx, STAGE, "tick", "page", "all", "none", "next")
    if callback is None:
        return reask(Reply(_("Please tick the names, then tap Next.")))
    people, chosen = ctx.draft["representatives"], list(ctx.draft["present"])
    if callback.action == "next":
        check_quorum(len(chosen), len(people))
        return goto(StageState.VOTES_FOR)
    if callback.action == "tick":
        person_id = steps.int_arg(callback)
        chosen = [p for p in chosen if p != person_id] if person_id in chosen else [*chosen, person_id]
    elif callback.action == "page":
        ctx.draft["page"] = steps.int_arg(callback)
    else:
        chosen = [pid for pid, _name in people] if callback.action == "all" else []
    ctx.draft["present"] = chosen
    return stay(_present_question(ctx, edit=True))


async def ask_votes_for(ctx: Context) -> Sequence[Reply]:
    """Ask how many voted for."""
    return [Reply(_("{present} present. How many voted for it? Type a number.", present=len(ctx.draft["present"])))]


async def receive_votes_for(ctx: Context) -> Turn:
    """Keep the votes for."""
    votes = steps.typed_number(ctx)
    if votes is None:
        return reask(Reply(steps.NUMBER_HINT))
    ctx.draft["votes_for"] = votes
    return goto(StageState.VOTES_AGAINST)


async def ask_votes_against(ctx: Context) -> Sequence[Reply]:
    """Ask how many voted against; the rest abstained."""
    return [Reply(_("How many voted against? (The rest count as abstaining.)"))]


async def receive_votes_against(ctx: Context) -> Turn:
    """Keep the votes against once the decision stands: quorum and majority."""
    votes = steps.typed_number(ctx)
    if votes is None:
        return reask(Reply(steps.NUMBER_HINT))
    check_vote(Vote(tuple(ctx.draft["present"]), len(ctx.draft["representatives"]), int(ctx.draft["votes_for"]),
                    votes))
    ctx.draft["votes_against"] = votes
    return goto(StageState.CONFIRM)


def _entry(ctx: Context) -> StageEntry:
    draft, document = ctx.draft, ctx.draft.get("document")
    kept = StageDocument(MediaKind(document["kind"]), int(document["media_id"]), document["name"]) \
        if document else None
    return StageEntry(_stage(ctx), date.fromisoformat(draft["held_on"]), draft["outcome"], kept,
                      tuple(draft.get("present", [])), int(draft.get("votes_for", 0)),
                      int(draft.get("votes_against", 0)))


async def ask_confirm(ctx: Context) -> Sequence[Reply]:
    """Show the stage before it is recorded."""
    entry = _entry(ctx)
    text = lines(_("Please check: {title}", title=ctx.draft["title"]),
                 _("{stage} — {day}: {outcome}", stage=labels.STAGES[entry.stage], day=labels.day(entry.held_on),
                   outcome=entry.outcome),
                 _("Present: {present}; for {votes_for}, against {against}", present=len(entry.present),
                   votes_for=entry.votes_for, against=entry.votes_against)
                 if entry.stage is MatterStage.REPRESENTATIVES else None,
                 _("(with a document)") if entry.document else None,
                 _("The whole village will be told.") if entry.stage in PUBLIC_STAGES else None)
    return [Reply(text, buttons=((Button(_("✅ Record it"), pack(STAGE, "save")),),))]


async def receive_confirm(ctx: Context) -> Turn:
    """Record the stage; tell the village at the public stages."""
    if steps.pressed(ctx, STAGE, "save") is None:
        return reask(Reply(_("Please tap ✅ Record it, or ❌ Cancel.")))
    outcome = await ctx.services.matters.record_stage(ctx.actor, int(ctx.draft["matter_id"]), _entry(ctx))
    told = await notices.stage_made_public(ctx.notify, outcome, publisher=ctx.member.id) if outcome.audience else 0
    note = _("✅ Recorded. {count} people are being told.", count=told) if told else _("✅ Recorded.")
    history = await ctx.services.matters.history(ctx.actor, outcome.matter.id)
    return finish(Reply(note), history_reply(history))


def build() -> Flow:
    """Return the flow for recording a stage."""
    return Flow(
        name=STAGE,
        begin=begin,
        actions={"record": begin},
        states={
            StageState.DATE: State(ask_date, receive_date),
            StageState.OUTCOME: State(ask_outcome, receive_outcome),
            StageState.DOCUMENT: State(ask_document, receive_document),
            StageState.PRESENT: State(ask_present, receive_present),
            StageState.VOTES_FOR: State(ask_votes_for, receive_votes_for),
            StageState.VOTES_AGAINST: State(ask_votes_against, receive_votes_against),
            StageState.CONFIRM: State(ask_confirm, receive_confirm),
        },
        expired=_("Recording the stage timed out; nothing was recorded."),
    )
