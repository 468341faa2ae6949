"""Messages the convention sends to other people: results, appeals, rectification, reminders, rewards."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from handlers import glossary
from handlers.callback_data import pack
from handlers.convention.words import TASK_STATES, clause_name, day, face_text, money, period_label, points_cut
from handlers.family_labels import DeputyAct, deputy_line
from handlers.replies import Attachment, AttachmentKind, Choice, Reply
from handlers.texts import Content, _, lines
from village.convention.appeals import AppealCase, AppealDecision
from village.convention.assessments import Published
from village.convention.figures import Outstanding
from village.convention.models import AppealStatus, Assessment, Convention
from village.convention.periods import Period
from village.convention.rectifications import RectificationNews
from village.convention.rules import RectificationStatus

SCORE_FLOW, APPEAL_FLOW, ASSESS_FLOW, INSPECT_FLOW = "sc", "ap", "as", "rf"
APPEAL_BUTTON = _("⚖️ Appeal")


def deduction_lines(result: Assessment, convention: Convention) -> Content:
    """Return each deduction with its clause and reason, or the full-marks line."""
    if not result.deductions:
        return _("No deductions: full marks.")
    found = []
    for deduction in result.deductions:
        clause = convention.clause(deduction.clause_id)
        found.append(_("· {clause} {points}: {reason}", clause=clause_name(clause.name) if clause else "?",
                       points=points_cut(deduction.points), reason=deduction.reason))
    return lines(_("Deductions:"), *found)


def result_lines(result: Assessment, convention: Convention) -> Content:
    """Return the face, total and deductions of a result."""
    return lines(_("{face}, {total} of {full} points", face=face_text(result.face), total=result.total,
                   full=convention.full_marks), deduction_lines(result, convention))


def result_notice(published: Published, zone: ZoneInfo, *, revised_because: str | None = None) -> Reply:
    """Return the notice a household head gets when a result is published or revised."""
    result = published.assessment
    heading = (_("✏️ The result of household {household} for {period} was revised. Reason: {reason}",
                 household=published.household.label, period=period_label(published.period), reason=revised_because)
               if revised_because else
               _("💯 Convention score for {period}: the result of household {household} is published.",
                 period=period_label(published.period), household=published.household.label))
    tasks = [_("· {clause}", clause=clause_name(t.clause_name)) for t in published.tasks]
    text = lines(
        heading,
        result_lines(result, published.convention),
        _("Reward for this period: {released} paid out, {withheld} held back.",
          released=money(result.released_fen), withheld=money(result.withheld_fen)),
        lines(_("Please put these right by {deadline}:", deadline=day(published.tasks[0].deadline, zone)), *tasks,
              _("When done, tap the button below to tell the assessor.")) if tasks else None,
        _("If you disagree, you may appeal until {until}.", until=day(published.appeal_until, zone)),
    )
    buttons = [(Choice(_("✅ Fixed: {clause}", clause=clause_name(t.clause_name)), pack(SCORE_FLOW, "fixed", t.id)),)
               for t in published.tasks]
    buttons.append((Choice(APPEAL_BUTTON, pack(SCORE_FLOW, "appeal", result.id)),))
    return Reply(text, choices=tuple(buttons))


def appeal_notice(case: AppealCase, appellant: str, *, decide: bool) -> Reply:
    """Return the message cadres (with decision buttons) and supervisors get about a new appeal."""
    appeal = case.appeal
    text = lines(
        _("⚖️ Appeal from {name} of household {household} against the result for {period}:",
          name=appellant, household=case.household.label, period=period_label(case.period)),
        deputy_line(case.deputy, DeputyAct.APPEALED),
        result_lines(case.assessment, case.convention),
        _("Their reason: {reason}", reason=appeal.reason) if appeal.reason else _("Their reason is in the voice "
                                                                                  "message."),
    )
    buttons = ((Choice(_("✅ Keep the result"), pack(APPEAL_FLOW, "up", appeal.id)),
                Choice(glossary.CHANGE, pack(APPEAL_FLOW, "rv", appeal.id))),) if decide else ()
    voice = Attachment(AttachmentKind.VOICE, media_id=appeal.voice_media_id) if appeal.voice_media_id else None
    return Reply(text, choices=buttons, attachment=voice)


def appeal_outcome(decision: AppealDecision) -> Reply:
    """Return the message the household gets when its appeal is decided."""
    case, appeal = decision.case, decision.case.appeal
    deputy = deputy_line(case.deputy, DeputyAct.APPEALED)
    if appeal.status is AppealStatus.UPHELD:
        return Reply(lines(_("⚖️ Your appeal about {period} was considered. The result stays as published. "
                             "Reason: {reason}", period=period_label(case.period), reason=appeal.decision_note),
                           deputy))
    revised = decision.revised
    assert revised is not None
    return Reply(lines(
        _("⚖️ Your appeal about {period} was accepted and the result revised. Reason: {reason}",
          period=period_label(case.period), reason=appeal.decision_note),
        deputy,
        result_lines(revised.assessment, revised.convention),
        _("Reward for this period: {released} paid out, {withheld} held back.",
          released=money(revised.assessment.released_fen), withheld=money(revised.assessment.withheld_fen)),
    ))


def fix_reported(news: RectificationNews, reporter: str) -> Reply:
    """Return the message an assessor gets when a household reports something fixed."""
    task = news.task
    text = _("🔧 {name} of household {household} says “{clause}” has been put right. Please go and look, then "
             "record what you found.", name=reporter, household=news.household.label,
             clause=clause_name(task.clause_name))
    buttons = ((Choice(TASK_STATES[RectificationStatus.FIXED], pack(INSPECT_FLOW, "ok", task.id)),
                Choice(TASK_STATES[RectificationStatus.NOT_FIXED], pack(INSPECT_FLOW, "bad", task.id))),)
    photo = Attachment(AttachmentKind.PHOTO, media_id=task.photo_media_id) if task.photo_media_id else None
    return Reply(text, choices=buttons, attachment=photo)


def fix_inspected(news: RectificationNews) -> Reply:
    """Return the message the household gets after the re-inspection."""
    task = news.task
    if task.status is RectificationStatus.FIXED:
        return Reply(_("✅ The village checked “{clause}” for household {household}: it has been put right. "
                       "Thank you!", clause=clause_name(task.clause_name), household=news.household.label))
    return Reply(_("❌ The village checked “{clause}” for household {household}: it is not right yet. Please fix "
                   "it and tell us again.", clause=clause_name(task.clause_name), household=news.household.label),
                 choices=((Choice(_("✅ Fixed: {clause}", clause=clause_name(task.clause_name)),
                                  pack(SCORE_FLOW, "fixed", task.id)),),))


def reminder(period: Period, groups: Sequence[Outstanding]) -> Reply:
    """Return the monthly reminder to an assessor: which groups still have households to do."""
    rows = [_("· {group}: {unassessed} not assessed, {unpublished} drafts not published", group=o.group.name,
              unassessed=o.unassessed, unpublished=o.unpublished) for o in groups]
    return Reply(lines(_("⏰ Convention score for {period}: some households are still to be done.",
                         period=period_label(period)), *rows, _("Tap {tool} to continue.", tool=glossary.ASSESS)))


def reward_statement(period: Period, household: str, result: Assessment, year: int, released: int,
                     withheld: int) -> Reply:
    """Return the monthly reward notice to a household head."""
    return Reply(lines(
        _("💰 Household reward of household {household}", household=household),
        _("{period}: {released} paid out, {withheld} held back.", period=period_label(period),
          released=money(result.released_fen), withheld=money(result.withheld_fen)),
        _("So far in {year}: {released} paid out, {withheld} held back.", year=year, released=money(released),
          withheld=money(withheld)),
    ))
