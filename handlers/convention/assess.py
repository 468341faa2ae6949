"""Assessing in chat (/assess): pick the period and group, go through the households, publish.

Cadres assess any group of their village, a group leader their own group. A household
takes a few taps on the deduction sheet; publishing tells every household head.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum, auto

from handlers import glossary
from handlers.callback_data import pack
from handlers.context import Context
from handlers.convention import sheet
from handlers.convention.notices import ASSESS_FLOW, result_lines, result_notice
from handlers.convention.taps import argument, number, tapped
from handlers.convention.words import FACE_EMOJI, NOT_PUBLISHED_EMOJI, TASK_STATES, clause_name, face_text, period_label
from handlers.conversations import Flow, MenuItem, MenuSection, State, Turn, finish, goto, reask
from handlers.events import EventKind
from handlers.keyboards import choice_rows, pager_row
from handlers.replies import Choice, Reply
from handlers.texts import Content, _, lines
from village.convention.assessments import HouseholdLine, HouseholdSheet
from village.outbox import MessageKind
from village.roles import Role

FLOW = ASSESS_FLOW
PER_PAGE = 10
GROUPS_PER_PAGE = 8
DRAFT, VIEW, REVISE = "draft", "view", "revise"


class AssessState(Enum):
    """Where an assessor is in /assess."""

    PERIOD = auto()
    GROUP = auto()
    HOUSEHOLDS = auto()
    HOUSEHOLD = auto()
    PUBLISH = auto()


async def begin(ctx: Context) -> Turn:
    """Check the person assesses some group, then ask for the period."""
    await ctx.services.assessments.groups(ctx.actor)
    return goto(AssessState.PERIOD)


async def ask_period(ctx: Context) -> Sequence[Reply]:
    """Offer the current period and the ones just before."""
    periods = await ctx.services.assessments.periods(ctx.actor)
    choices = [(period_label(p), pack(FLOW, "period", p.code)) for p in periods]
    return [Reply(_("Which period are you assessing?"), choices=choice_rows(choices))]


async def receive_period(ctx: Context) -> Turn:
    """Remember the period; skip the group question when the assessor has one group."""
    callback = tapped(ctx, "period")
    if callback is None:
        return reask(Reply(_("Please tap a period.")))
    ctx.draft["period"] = argument(callback)
    groups = await ctx.services.assessments.groups(ctx.actor)
    if len(groups) == 1:
        ctx.draft["group"] = groups[0].id
        return goto(AssessState.HOUSEHOLDS)
    return goto(AssessState.GROUP)


async def ask_group(ctx: Context) -> Sequence[Reply]:
    """List the groups the person assesses, a page at a time."""
    groups = await ctx.services.assessments.groups(ctx.actor)
    pages = max(1, -(-len(groups) // GROUPS_PER_PAGE))
    page = min(int(ctx.draft.get("group_page", 0)), pages - 1)
    shown = groups[page * GROUPS_PER_PAGE:(page + 1) * GROUPS_PER_PAGE]
    rows = choice_rows([(g.name, pack(FLOW, "group", g.id)) for g in shown], per_row=2)
    pager = pager_row(FLOW, "gpage", page, pages)
    return [Reply(_("Which group?"), choices=(*rows, pager) if pager else rows)]


async def receive_group(ctx: Context) -> Turn:
    """Remember the group, or turn the page."""
    if (callback := tapped(ctx, "gpage")) is not None:
        ctx.draft["group_page"] = number(callback)
        return reask()
    callback = tapped(ctx, "group")
    chosen = number(callback) if callback else await _typed_group(ctx)
    if chosen is None:
        return reask(Reply(_("Please tap a group.")))
    ctx.draft["group"] = chosen
    ctx.draft["page"] = 0
    return goto(AssessState.HOUSEHOLDS)


async def _typed_group(ctx: Context) -> int | None:
    """Accept a group's name typed instead of tapped."""
    if ctx.event.kind is not EventKind.TEXT:
        return None
    typed = ctx.event.text.strip()
    return next((g.id for g in await ctx.services.assessments.groups(ctx.actor) if g.name == typed), None)


async def ask_households(ctx: Context) -> Sequence[Reply]:
    """Show the group's households with their state for the period, a page at a time."""
    shown = await ctx.services.assessments.group_sheet(ctx.actor, int(ctx.draft["group"]), ctx.draft["period"])
    pages = max(1, -(-len(shown.lines) // PER_PAGE))
    page = min(int(ctx.draft.get("page", 0)), pages - 1)
    visible = shown.lines[page * PER_PAGE:(page + 1) * PER_PAGE]
    rows = choice_rows([(_household_label(line), pack(FLOW, "hh", line.household.id)) for line in visible], 2)
    pager = pager_row(FLOW, "page", page, pages)
    publish = (Choice(_("📢 Post on the board"), pack(FLOW, "publish")),) if shown.drafts else ()
    done = sum(1 for line in shown.lines if line.assessment)
    published = sum(1 for line in shown.lines if line.assessment and line.assessment.is_published)
    text = lines(
        _("{group} · {period}: {done} of {count} households assessed, {published} published.",
          group=shown.group.name, period=period_label(shown.period), done=done, count=len(shown.lines),
          published=published),
        _("⬜ not assessed · 📝 draft · 😊😐😢 published · 🔧 earlier rectification not finished"),
        _("Tap a household."))
    buttons = tuple(r for r in (*rows, pager, publish) if r)
    return [Reply(text, choices=buttons)]


async def receive_households(ctx: Context) -> Turn:
    """Open a household, turn the page, or go to publishing."""
    if (callback := tapped(ctx, "page")) is not None:
        ctx.draft["page"] = number(callback)
        return reask()
    if tapped(ctx, "publish") is not None:
        return goto(AssessState.PUBLISH)
    callback = tapped(ctx, "hh")
    chosen = number(callback) if callback else await _typed_household(ctx)
    if chosen is None:
        return reask(Reply(_("Please tap a household.")))
    screen = await ctx.services.assessments.household_sheet(ctx.actor, chosen, ctx.draft["period"])
    ctx.draft["household"] = screen.household.id
    published = screen.assessment is not None and screen.assessment.is_published
    ctx.draft["mode"] = VIEW if published else DRAFT
    sheet.load(ctx, screen.assessment)
    return goto(AssessState.HOUSEHOLD)


async def _typed_household(ctx: Context) -> int | None:
    """Accept a household number typed instead of tapped."""
    if ctx.event.kind is not EventKind.TEXT:
        return None
    shown = await ctx.services.assessments.group_sheet(ctx.actor, int(ctx.draft["group"]), ctx.draft["period"])
    typed = ctx.event.text.strip()
    return next((line.household.id for line in shown.lines if line.household.label == typed), None)


async def ask_household(ctx: Context) -> Sequence[Reply]:
    """Show the deduction sheet, or a published result (with Revise for cadres)."""
    return [_screen_reply(ctx, await _screen(ctx), edit=False)]


async def receive_household(ctx: Context) -> Turn:
    """Handle the sheet: taps, reasons, photos; save a draft or a revision."""
    screen = await _screen(ctx)
    if ctx.draft.get("mode") == VIEW:
        if tapped(ctx, "revise") is None or screen.assessment is None:
            return reask(Reply(_("This result is published. Tap ⬅️ Back to choose another household.")))
        ctx.draft["mode"] = REVISE
        sheet.load(ctx, screen.assessment)
        return reask()
    if sheet.is_save(ctx):
        return await _save(ctx, screen)
    return await sheet.receive(ctx, screen.convention, lambda: _screen_reply(ctx, screen, edit=True))


async def _save(ctx: Context, screen: HouseholdSheet) -> Turn:
    lacking = sheet.unexplained(ctx, screen.convention)
    if lacking:
        clauses = glossary.listing([clause_name(c) for c in lacking])
        return reask(Reply(_("Please type the reason for: {clauses}", clauses=clauses)))
    if ctx.draft.get("mode") == REVISE:
        return await _save_revision(ctx, screen)
    saved = await ctx.services.assessments.save_draft(
        ctx.actor, screen.household.id, screen.period.code, deductions=sheet.cuts(ctx), reasons=sheet.reasons(ctx),
        photo=sheet.photo(ctx))
    return goto(AssessState.HOUSEHOLDS, Reply(_("💾 Draft saved for household {household}: {total} points, {face}.",
                                                household=screen.household.label, total=saved.total,
                                                face=face_text(saved.face))))


async def _save_revision(ctx: Context, screen: HouseholdSheet) -> Turn:
    assert screen.assessment is not None
    if not sheet.note(ctx):
        return reask(Reply(_("Please type why the result is being revised.")))
    revised = await ctx.services.assessments.revise(ctx.actor, screen.assessment.id, deductions=sheet.cuts(ctx),
                                                    reasons=sheet.reasons(ctx), note=sheet.note(ctx))
    result = revised.assessment
    await ctx.notify.to_people([h.id for h in revised.heads], f"assessment:{result.id}:revised:{result.revision}",
                               result_notice(revised, ctx.services.settings.timezone, revised_because=sheet.note(ctx)),
                               kind=MessageKind.SCORE_REVISED)
    return goto(AssessState.HOUSEHOLDS, Reply(_("✏️ Revised: household {household} now has {total} points, {face}. "
                                                "The household has been told.", household=screen.household.label,
                                                total=result.total, face=face_text(result.face))))


async def ask_publish(ctx: Context) -> Sequence[Reply]:
    """Ask for confirmation, listing the households not assessed yet."""
    shown = await ctx.services.assessments.group_sheet(ctx.actor, int(ctx.draft["group"]), ctx.draft["period"])
    missing = shown.missing
    question: Content = (
        lines(_("{count} household(s) are not assessed yet: {households}", count=len(missing),
                households=glossary.listing([h.label for h in missing[:30]] + (["…"] if len(missing) > 30 else []))),
              _("Publish the {drafts} draft(s) anyway? The others can be published later.", drafts=shown.drafts))
        if missing else _("Publish {drafts} result(s) of {group} for {period}? Every household head will be told.",
                          drafts=shown.drafts, group=shown.group.name, period=period_label(shown.period)))
    return [Reply(question, choices=((Choice(_("📢 Confirm posting"), pack(FLOW, "confirm")),),))]


async def receive_publish(ctx: Context) -> Turn:
    """Publish and queue a notice for each household head."""
    if tapped(ctx, "confirm") is None:
        return reask(Reply(_("Please tap 📢 Publish now, or ⬅️ Back.")))
    published = await ctx.services.assessments.publish(ctx.actor, int(ctx.draft["group"]), ctx.draft["period"],
                                                       include_missing=True)
    zone = ctx.services.settings.timezone
    for item in published:
        await ctx.notify.to_people([h.id for h in item.heads], f"assessment:{item.assessment.id}:published",
                                   result_notice(item, zone), kind=MessageKind.SCORE_PUBLISHED)
    heads = len({h.id for item in published for h in item.heads})
    return finish(Reply(_("📢 Published {count} result(s) for {period}. {heads} household head(s) will be told.",
                          count=len(published), period=period_label(published[0].period), heads=heads)))


async def _screen(ctx: Context) -> HouseholdSheet:
    return await ctx.services.assessments.household_sheet(ctx.actor, int(ctx.draft["household"]),
                                                          ctx.draft["period"])


def _screen_reply(ctx: Context, screen: HouseholdSheet, *, edit: bool) -> Reply:
    heading = _("Household {household} · {group} · {period}", household=screen.household.label,
                group=screen.group.name, period=period_label(screen.period))
    earlier = _rectification_lines(screen)
    if ctx.draft.get("mode") == VIEW and screen.assessment is not None:
        may_revise = ctx.member.has_role(screen.household.village_id, Role.CADRE)
        buttons = ((Choice(glossary.CHANGE, pack(FLOW, "revise")),),) if may_revise else ()
        return Reply(lines(heading, _("Published."), result_lines(screen.assessment, screen.convention), earlier),
                     choices=buttons)
    label = _("💾 Save revision") if ctx.draft.get("mode") == REVISE else _("💾 Save draft")
    return sheet.sheet_reply(ctx, screen.convention, FLOW, heading=heading, extra=earlier, save_label=label,
                             edit=edit)


def _rectification_lines(screen: HouseholdSheet) -> Content | None:
    if not screen.rectifications:
        return None
    return lines(_("Earlier rectification:"), *(_("· {clause} ({period}): {state}", clause=clause_name(t.clause_name),
                                                  period=t.period, state=TASK_STATES[t.status])
                                                for t in screen.rectifications))


def _household_label(line: HouseholdLine) -> str:
    result = line.assessment
    icon = NOT_PUBLISHED_EMOJI if result is None else FACE_EMOJI[result.face] if result.is_published else "📝"
    return f"{icon} {line.household.label}{' 🔧' if line.open_tasks else ''}"


def build() -> Flow:
    """Return the assessing flow."""
    return Flow(
        name=FLOW,
        begin=begin,
        commands=("assess",),
        menu=MenuItem(glossary.ASSESS, roles=frozenset({Role.CADRE, Role.GROUP_LEADER}), order=30,
                      section=MenuSection.TOOLS),
        states={
            AssessState.PERIOD: State(ask_period, receive_period),
            AssessState.GROUP: State(ask_group, receive_group),
            AssessState.HOUSEHOLDS: State(ask_households, receive_households),
            AssessState.HOUSEHOLD: State(ask_household, receive_household, hint=sheet.UNFINISHED),
            AssessState.PUBLISH: State(ask_publish, receive_publish),
        },
        expired=_("Assessing timed out; drafts you saved are kept. Send /assess to continue."),
    )
