"""Logging a visit (走访) in a few taps: whom → how they are → a note (text or voice) → a photo → done, or
"found a problem", which files a report for the person (代报) linked to the visit."""

from __future__ import annotations

from collections.abc import Sequence

from handlers import glossary
from handlers.callback_data import pack
from handlers.care import outgoing
from handlers.care.labels import WELLBEING, day, who
from handlers.care.listing import SHOWN, pick_entry
from handlers.care.states import FLOW, CareState
from handlers.context import Context
from handlers.conversations import Turn, finish, goto, reask
from handlers.events import EventKind
from handlers.keyboards import choice_rows
from handlers.pickers import pick_rows
from handlers.replies import Choice, Reply
from handlers.reports import notices as report_notices
from handlers.reports.categories import category_name
from handlers.reports.filing import button, keep, media_json, media_of
from handlers.texts import _, lines
from village.care.models import CareEntry, VisitDraft, Wellbeing
from village.care.rules import due_at
from village.media import MediaKind
from village.reports import FiledReport, ReportDraft

ALL_WELL = _("✅ Submit: nothing else to report")
FOUND_PROBLEM = _("⚠️ Found a problem")
FAMILY = _("📞 Family contacted")


async def start_visit(ctx: Context) -> Turn:
    """A visit button under a message (a reminder, the person's card): log a visit to that person."""
    pressed = button(ctx)
    assert pressed is not None
    entry = await ctx.services.care.entry(ctx.actor, pressed.int_arg())
    ctx.draft = {"subject_id": entry.subject.id}
    return goto(CareState.HOW)


async def _entry(ctx: Context) -> CareEntry:
    return await ctx.services.care.entry(ctx.actor, int(ctx.draft["subject_id"]))


async def ask_whom(ctx: Context) -> Sequence[Reply]:
    """Offer the people the visitor may visit, those due first."""
    entries = await ctx.services.care.entries(ctx.actor)
    if not entries:
        return [Reply(_("Nobody on the care list is in your care yet."))]
    names = ((e.person.name, e.subject.id) for e in entries[:SHOWN])
    return [Reply(_("Whom did you visit? (Those due first.)"), choices=pick_rows(FLOW, "visit", names, per_row=2))]


async def receive_whom(ctx: Context) -> Turn:
    """Take the chosen person."""
    return await pick_entry(ctx, "visit", CareState.HOW)


async def ask_how(ctx: Context) -> Sequence[Reply]:
    """Ask how the person is, on the scale of three."""
    entry = await _entry(ctx)
    choices = [(label, pack(FLOW, "well", w.value)) for w, label in WELLBEING.items()]
    return [Reply(_("How is {who}?", who=who(entry)), choices=choice_rows(choices, per_row=3))]


async def receive_how(ctx: Context) -> Turn:
    """Remember how they are."""
    pressed = button(ctx)
    if pressed is None or pressed.action != "well" or pressed.arg() not in set(Wellbeing):
        return reask(Reply(_("Please tap how they are.")))
    ctx.draft["wellbeing"] = pressed.arg()
    return goto(CareState.NOTE)


async def ask_note(ctx: Context) -> Sequence[Reply]:
    """Ask for a note, typed or spoken; optional unless a problem is to be reported."""
    if ctx.draft.get("problem"):
        return [Reply(_("What is the problem? Type it, or send a voice message."))]
    return [Reply(_("Add a note: type it, or send a voice message. Or tap {skip}.", skip=glossary.SKIP),
                  choices=((Choice(glossary.SKIP, pack(FLOW, "skip")),),))]


async def receive_note(ctx: Context) -> Turn:
    """Keep the note (text or voice); after "found a problem" go on to the kind of problem."""
    pressed = button(ctx)
    after = CareState.PROBLEM_KIND if ctx.draft.get("problem") else CareState.PHOTO
    if pressed is not None and pressed.action == "skip" and not ctx.draft.get("problem"):
        return goto(after)
    if ctx.event.kind is EventKind.TEXT:
        ctx.draft["text"] = ctx.services.care.check_note(ctx.event.text)
        return goto(after)
    if ctx.event.kind is EventKind.VOICE:
        ctx.draft["voice"] = media_json(await keep(ctx, MediaKind.VOICE))
        return goto(after, Reply(_("🎤 Voice message received.")))
    return reask(Reply(_("Please type a few words, or send a voice message.")))


async def ask_photo(ctx: Context) -> Sequence[Reply]:
    """Invite one photo."""
    return [Reply(_("You can send a photo of the visit. If not, tap {next}.", next=glossary.NEXT),
                  choices=((Choice(glossary.NEXT, pack(FLOW, "next")),),))]


async def receive_photo(ctx: Context) -> Turn:
    """Keep the photo, or go on without."""
    pressed = button(ctx)
    if pressed is not None and pressed.action == "next":
        return goto(CareState.OUTCOME)
    if ctx.event.kind is not EventKind.PHOTO:
        return reask(Reply(_("Please send a photo, or tap {next}.", next=glossary.NEXT)))
    ctx.draft["photo"] = media_json(await keep(ctx, MediaKind.PHOTO))
    return goto(CareState.OUTCOME, Reply(_("📷 Photo received.")))


async def ask_outcome(ctx: Context) -> Sequence[Reply]:
    """Show the visit as it will be recorded: submit it, or say a problem was found."""
    entry, draft = await _entry(ctx), ctx.draft
    text = lines(
        _("Visit to {who}:", who=who(entry)),
        _("How they are: {wellbeing}", wellbeing=WELLBEING[Wellbeing(draft["wellbeing"])]),
        _("Note: {note}", note=draft["text"]) if draft.get("text") else None,
        _("🎤 Voice message: 1") if draft.get("voice") else None,
        _("📷 Photo: 1") if draft.get("photo") else None,
        _("📞 The family was contacted.") if draft.get("family") else None,
        _("Did you find a problem that needs handling? Then tap {problem}: a report is filed for them.",
          problem=FOUND_PROBLEM),
        None if draft.get("family") else _("If you phoned their family about the visit, tap {family} first.",
                                           family=FAMILY),
    )
    family = () if draft.get("family") else ((Choice(FAMILY, pack(FLOW, "family")),),)
    return [Reply(text, choices=((Choice(ALL_WELL, pack(FLOW, "ok")),),
                                 (Choice(FOUND_PROBLEM, pack(FLOW, "problem")),), *family))]


async def receive_outcome(ctx: Context) -> Turn:
    """Record the visit, or go on to the problem (asking for its description first if there is none)."""
    pressed = button(ctx)
    if pressed is not None and pressed.action == "family":
        ctx.draft["family"] = True
        return reask()
    if pressed is not None and pressed.action == "problem":
        ctx.draft["problem"] = True
        if ctx.draft.get("text") or ctx.draft.get("voice"):
            return goto(CareState.PROBLEM_KIND)
        return goto(CareState.NOTE)
    if pressed is None or pressed.action != "ok":
        return reask(Reply(_("Please tap one of the buttons.")))
    return await _record(ctx, None)


async def ask_problem_kind(ctx: Context) -> Sequence[Reply]:
    """Offer the report categories."""
    categories = ctx.services.reports.policy.categories
    choices = [(category_name(name), pack(FLOW, "kind", i)) for i, name in enumerate(categories)]
    return [Reply(_("What kind of problem is it? Tap one:"), choices=choice_rows(choices, per_row=2))]


async def receive_problem_kind(ctx: Context) -> Turn:
    """Record the visit and file the report for the person."""
    pressed = button(ctx)
    if pressed is None or pressed.action != "kind":
        return reask(Reply(_("Please tap one of the kinds of problem below.")))
    return await _record(ctx, ctx.services.reports.check_category(pressed.int_arg()))


async def _record(ctx: Context, category: str | None) -> Turn:
    entry, draft = await _entry(ctx), ctx.draft
    visit = VisitDraft(Wellbeing(draft["wellbeing"]), draft.get("text", ""),
                       media_of(draft["voice"]) if draft.get("voice") else None,
                       media_of(draft["photo"]) if draft.get("photo") else None, problem=category is not None,
                       family_contacted=bool(draft.get("family")))
    logged = await ctx.services.care.log_visit(ctx.actor, entry.subject.id, visit)
    filed = await _file_report(ctx, entry, visit, category) if category else None
    if filed is not None:
        await ctx.services.care.link_visit_report(ctx.actor, logged.visit, filed.report.id)
    await outgoing.flag(ctx.notify, logged, ctx.member.name, filed.report if filed else None)
    next_due = day(due_at(entry.subject, logged.visit), ctx.services.settings.timezone)
    return finish(Reply(lines(
        _("✅ Visit to {who} recorded. Next visit due {date}.", who=who(entry), date=next_due),
        _("Report {code} was filed for them and sent to its handler.", code=filed.report.code) if filed else None,
        _("The village secretary has been told.") if logged.flagged_to else None)))


async def _file_report(ctx: Context, entry: CareEntry, visit: VisitDraft, category: str) -> FiledReport:
    """File the problem for the person (代报), with the visit's note, voice and photo."""
    draft = ReportDraft(category=category, text=visit.note, voice=visit.voice,
                        photos=(visit.photo,) if visit.photo else ())
    filed = await ctx.services.reports.file(ctx.actor, draft, reporter_id=entry.person.id)
    await report_notices.to_handlers(ctx.notify, ctx.services, filed)
    await report_notices.filed_for_you(ctx.notify, filed, ctx.member.name)
    return filed
