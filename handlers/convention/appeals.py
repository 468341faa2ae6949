"""Deciding appeals (/appeals): cadres keep a result (with a reason) or revise it; supervisors can read them."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum, auto

from handlers import glossary
from handlers.context import Context
from handlers.convention import sheet
from handlers.convention.notices import APPEAL_FLOW, appeal_notice, appeal_outcome
from handlers.convention.taps import number, tapped
from handlers.convention.words import period_label
from handlers.conversations import Flow, MenuItem, MenuSection, State, Turn, finish, goto, reask
from handlers.events import EventKind
from handlers.family_labels import DeputyAct, deputy_line
from handlers.replies import Reply
from handlers.texts import _, lines
from village.convention.appeals import AppealCase, AppealDecision
from village.outbox import MessageKind
from village.roles import Role

FLOW = APPEAL_FLOW


class AppealState(Enum):
    """A cadre deciding an appeal."""

    UPHOLD = auto()
    REVISE = auto()


async def begin(ctx: Context) -> Turn:
    """List the village's open appeals, each with its buttons for cadres."""
    cases = await ctx.services.appeals.pending(ctx.actor)
    if not cases:
        return finish(Reply(_("There are no appeals waiting.")))
    decide = ctx.member.has_role(ctx.member.village_id, Role.CADRE)
    notices = [appeal_notice(case, case.appellant.name, decide=decide) for case in cases]
    return finish(Reply(_("{count} appeal(s) waiting:", count=len(cases))), *notices)


async def start_uphold(ctx: Context) -> Turn:
    """Check the appeal is open and the person a cadre, then ask for the reason to keep the result."""
    case = await ctx.services.appeals.case(ctx.actor, number(tapped(ctx, "up")))
    ctx.draft["appeal"] = case.appeal.id
    return goto(AppealState.UPHOLD)


async def ask_uphold(ctx: Context) -> Sequence[Reply]:
    """Ask why the result stays."""
    return [Reply(_("Please type the reason for keeping the result. The household will read it."))]


async def receive_uphold(ctx: Context) -> Turn:
    """Keep the result and tell the household."""
    if ctx.event.kind is not EventKind.TEXT or not ctx.event.text.strip():
        return reask(Reply(_("Please type the reason as a message.")))
    decision = await ctx.services.appeals.uphold(ctx.actor, int(ctx.draft["appeal"]), ctx.event.text)
    await _tell(ctx, decision)
    return finish(Reply(_("✅ Decided: the result stays. The household has been told.")))


async def start_revise(ctx: Context) -> Turn:
    """Check the appeal is open and the person a cadre, then open the result on the deduction sheet."""
    case = await ctx.services.appeals.case(ctx.actor, number(tapped(ctx, "rv")))
    ctx.draft["appeal"] = case.appeal.id
    sheet.load(ctx, case.assessment)
    return goto(AppealState.REVISE)


async def ask_revise(ctx: Context) -> Sequence[Reply]:
    """Show the disputed result on the deduction sheet."""
    case = await ctx.services.appeals.case(ctx.actor, int(ctx.draft["appeal"]))
    return [_sheet(ctx, case, edit=False)]


async def receive_revise(ctx: Context) -> Turn:
    """Change deductions; on save, revise the result (a reason is required) and tell the household."""
    case = await ctx.services.appeals.case(ctx.actor, int(ctx.draft["appeal"]))
    if not sheet.is_save(ctx):
        return await sheet.receive(ctx, case.convention, lambda: _sheet(ctx, case, edit=True))
    lacking = sheet.unexplained(ctx, case.convention)
    if lacking or not sheet.note(ctx):
        return reask(Reply(_("Please type why the result is being revised.")))
    decision = await ctx.services.appeals.revise(ctx.actor, case.appeal.id, deductions=sheet.cuts(ctx),
                                                 reasons=sheet.reasons(ctx), note=sheet.note(ctx))
    await _tell(ctx, decision)
    return finish(Reply(_("✏️ Revised. The household has been told.")))


def _sheet(ctx: Context, case: AppealCase, *, edit: bool) -> Reply:
    heading = _("Appeal of household {household} · {period}", household=case.household.label,
                period=period_label(case.period))
    why = _("Their reason: {reason}", reason=case.appeal.reason) if case.appeal.reason else None
    return sheet.sheet_reply(ctx, case.convention, FLOW, heading=lines(heading, deputy_line(case.deputy,
                                                                                            DeputyAct.APPEALED), why),
                             save_label=_("💾 Save revision"), edit=edit)


async def _tell(ctx: Context, decision: AppealDecision) -> None:
    await ctx.notify.to_people(decision.recipients, f"appeal:{decision.case.appeal.id}:decided",
                               appeal_outcome(decision), kind=MessageKind.APPEAL_DECIDED)


def build() -> Flow:
    """Return the appeals flow."""
    return Flow(
        name=FLOW,
        begin=begin,
        commands=("appeals",),
        menu=MenuItem(glossary.APPEALS, roles=frozenset({Role.CADRE, Role.SUPERVISOR}), order=60,
                      section=MenuSection.TOOLS),
        states={AppealState.UPHOLD: State(ask_uphold, receive_uphold),
                AppealState.REVISE: State(ask_revise, receive_revise, hint=sheet.UNFINISHED)},
        actions={"up": start_uphold, "rv": start_revise},
        expired=_("The appeal decision was not finished in time; the appeal is still open. Send /appeals."),
    )
