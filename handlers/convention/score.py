"""My household's score (/score): this period's face and deductions, the trend, the reward, appeals and fixes.

Every member of a household sees its score; nobody sees another household's.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum, auto

from handlers import glossary
from handlers.callback_data import pack
from handlers.context import Context
from handlers.convention.notices import APPEAL_BUTTON, SCORE_FLOW, appeal_notice, deduction_lines, fix_reported
from handlers.convention.pictures import ChartPicture, draw_chart
from handlers.convention.taps import number, tapped
from handlers.convention.words import (
    FACE_EMOJI,
    NOT_PUBLISHED_EMOJI,
    TASK_STATES,
    clause_name,
    day,
    face_text,
    money,
    period_label,
    short_period,
)
from handlers.conversations import Flow, MenuItem, MenuSection, Need, State, Turn, finish, goto, reask
from handlers.events import EventKind
from handlers.replies import Attachment, AttachmentKind, Button, Reply
from handlers.texts import Content, _, lines
from village.convention.models import AppealStatus
from village.convention.periods import Period
from village.convention.rules import RectificationStatus
from village.convention.scores import ScoreView
from village.media import MediaKind
from village.outbox import MessageKind
from village.roles import Role

FLOW = SCORE_FLOW


class ScoreState(Enum):
    """Appealing a result, or reporting a fix, from /score or a notice."""

    APPEAL = auto()
    FIXED = auto()


async def begin(ctx: Context) -> Turn:
    """Show the household's score: a chart when a Chinese font is available, else an emoji row."""
    view = await ctx.services.scores.score(ctx.actor)
    chart = _chart(ctx, view) if ctx.cjk_font is not None else None
    return finish(*([chart] if chart else []), _score_reply(ctx, view, emoji_trend=chart is None))


def _score_reply(ctx: Context, view: ScoreView, *, emoji_trend: bool) -> Reply:
    text = lines(
        _("🏠 Household {household}: convention score", household=view.household.label),
        _latest_lines(view),
        _emoji_trend(view) if emoji_trend else None,
        _("Household reward in {year}: {released} paid out, {withheld} held back.", year=view.year,
          released=money(view.released_fen), withheld=money(view.withheld_fen)),
        _task_lines(ctx, view),
        _appeal_line(ctx, view),
    )
    buttons = [(Button(_("✅ Fixed: {clause}", clause=clause_name(t.clause_name)), pack(FLOW, "fixed", t.id)),)
               for t in view.tasks if t.status in (RectificationStatus.OPEN, RectificationStatus.NOT_FIXED)]
    if view.can_appeal and view.latest is not None:
        buttons.append((Button(APPEAL_BUTTON, pack(FLOW, "appeal", view.latest.id)),))
    return Reply(text, buttons=tuple(buttons))


def _latest_lines(view: ScoreView) -> Content:
    latest, convention = view.latest, view.convention
    if latest is None or convention is None:
        return _("No result has been published for your household yet.")
    return lines(_("{period}: {face}, {total} of {full} points", period=period_label(Period.parse(latest.period)),
                   face=face_text(latest.face), total=latest.total, full=convention.full_marks),
                 deduction_lines(latest, convention))


def _emoji_trend(view: ScoreView) -> Content:
    row = "".join(FACE_EMOJI[p.face] if p.face else NOT_PUBLISHED_EMOJI for p in view.trend)
    return _("Last {count} periods ({first} to {last}): {row}", count=len(view.trend),
             first=period_label(view.trend[0].period), last=period_label(view.trend[-1].period), row=row)


def _task_lines(ctx: Context, view: ScoreView) -> Content | None:
    if not view.tasks:
        return None
    zone = ctx.services.settings.timezone
    return lines(_("Rectification:"), *(
        _("· {clause} ({period}): {state}, due {deadline}", clause=clause_name(t.clause_name), period=t.period,
          state=TASK_STATES[t.status], deadline=day(t.deadline, zone)) for t in view.tasks))


def _appeal_line(ctx: Context, view: ScoreView) -> Content | None:
    appeal, zone = view.appeal, ctx.services.settings.timezone
    if appeal is not None and appeal.status is AppealStatus.OPEN:
        return _("Your appeal is waiting for the village's decision.")
    if appeal is not None and appeal.status is AppealStatus.UPHELD:
        return _("Your appeal was considered; the result stays. Reason: {reason}", reason=appeal.decision_note)
    if appeal is not None:
        return _("Your appeal was accepted and the result revised. Reason: {reason}", reason=appeal.decision_note)
    if view.can_appeal and view.appeal_until is not None:
        return _("If you disagree with this result, tap {button} (until {until}).", button=APPEAL_BUTTON,
                 until=day(view.appeal_until, zone))
    return None


def _chart(ctx: Context, view: ScoreView) -> Reply | None:
    if ctx.cjk_font is None or not any(p.total is not None for p in view.trend):
        return None
    title = ctx.render(_("Household {household}: totals of the last {count} periods",
                         household=view.household.label, count=len(view.trend)))
    points = [(ctx.render(short_period(p.period)), p.total, p.face) for p in view.trend]
    png = draw_chart(ChartPicture(title, points, view.trend[-1].full_marks), ctx.cjk_font)
    return Reply(_("📈 Your household's scores over the last {count} periods.", count=len(view.trend)),
                 attachment=Attachment(AttachmentKind.PHOTO, data=png, file_name="score.png"))


async def start_appeal(ctx: Context) -> Turn:
    """Check the result can still be appealed by this household, then ask why."""
    result = await ctx.services.appeals.check_open(ctx.actor, number(tapped(ctx, "appeal")))
    ctx.draft["assessment"] = result.id
    return goto(ScoreState.APPEAL)


async def ask_appeal(ctx: Context) -> Sequence[Reply]:
    """Ask for the reason, typed or spoken."""
    return [Reply(_("Please tell us why you disagree: type it, or send a voice message."))]


async def receive_appeal(ctx: Context) -> Turn:
    """File the appeal and tell the village's cadres (to decide) and supervisors (to watch)."""
    event, voice = ctx.event, None
    if event.kind is EventKind.VOICE and event.media is not None and ctx.media is not None:
        voice = await ctx.media.keep(event.media, MediaKind.VOICE)
    elif event.kind is not EventKind.TEXT or not event.text.strip():
        return reask(Reply(_("Please type your reason, or send a voice message.")))
    filed = await ctx.services.appeals.file(ctx.actor, int(ctx.draft["assessment"]), event.text, voice)
    key = f"appeal:{filed.case.appeal.id}:filed"
    name = filed.case.appellant.name
    await ctx.notify.to_people([p.id for p in filed.cadres], key, appeal_notice(filed.case, name, decide=True),
                               kind=MessageKind.APPEAL_FILED)
    await ctx.notify.to_people([p.id for p in filed.supervisors], key, appeal_notice(filed.case, name, decide=False),
                               kind=MessageKind.APPEAL_FILED)
    return finish(Reply(_("📝 Your appeal has been sent to the village office. We will tell you the decision.")))


async def start_fix(ctx: Context) -> Turn:
    """Check the task belongs to this household and is open, then ask for a photo."""
    task = await ctx.services.rectifications.task_of_member(ctx.actor, number(tapped(ctx, "fixed")))
    ctx.draft["task"] = task.id
    return goto(ScoreState.FIXED)


async def ask_fixed(ctx: Context) -> Sequence[Reply]:
    """Ask for a photo of the fix, which is optional."""
    return [Reply(_("Good! Please send a photo of it now, or tap “No photo”."),
                  buttons=((Button(_("No photo"), pack(FLOW, "nophoto")),),))]


async def receive_fixed(ctx: Context) -> Turn:
    """Report the fix and tell the assessor."""
    event, photo = ctx.event, None
    if event.kind is EventKind.PHOTO and event.media is not None and ctx.media is not None:
        photo = await ctx.media.keep(event.media, MediaKind.PHOTO)
    elif tapped(ctx, "nophoto") is None:
        return reask(Reply(_("Please send a photo, or tap “No photo”.")))
    news = await ctx.services.rectifications.report_fixed(ctx.actor, int(ctx.draft["task"]), photo)
    reported = news.task.reported_at.isoformat() if news.task.reported_at else ""
    await ctx.notify.to_people([p.id for p in news.recipients], f"rectification:{news.task.id}:reported:{reported}",
                               fix_reported(news, ctx.member.name), kind=MessageKind.RECTIFICATION_REPORTED)
    return finish(Reply(_("✅ Thank you. The assessor has been told and will come to look.")))


def build() -> Flow:
    """Return the score flow."""
    return Flow(
        name=FLOW,
        begin=begin,
        commands=("score",),
        menu=MenuItem(glossary.MY_SCORE, roles=frozenset({Role.RESIDENT, Role.HOUSEHOLD_HEAD, Role.FAMILY}), order=14,
                      section=MenuSection.MAIN, needs=frozenset({Need.HOUSEHOLD})),
        states={ScoreState.APPEAL: State(ask_appeal, receive_appeal), ScoreState.FIXED: State(ask_fixed,
                                                                                            receive_fixed)},
        actions={"appeal": start_appeal, "fixed": start_fix},
        expired=_("Your appeal or report was not finished in time. Open 😊 My household score to start again."),
    )
