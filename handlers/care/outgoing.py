"""Messages about the care list to people other than the one writing, queued through the outbox.

Keys: `care:visit:<id>:flag` to the secretaries, and the daily jobs' `care:due:…` and `care:<id>:overdue:…`.
"""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from handlers.callback_data import pack
from handlers.care.labels import CATEGORIES, WELLBEING, day, who
from handlers.care.states import FLOW
from handlers.context import Notifier
from handlers.family_labels import RELATIONS
from handlers.keyboards import choice_rows
from handlers.replies import ChoiceRows, Reply
from handlers.texts import Content, _, lines
from village.care.models import CareEntry, CareReminder, Flag, LoggedVisit
from village.family.models import FamilyMember
from village.outbox import MessageKind, Priority
from village.reports import Report

BUTTONS_SHOWN = 8


def visit_buttons(entries: Sequence[CareEntry]) -> ChoiceRows:
    """Return a button per person to open them (and log the visit)."""
    return choice_rows([(_("✍️ {name}", name=e.person.name), pack(FLOW, "person", e.subject.id))
                        for e in entries[:BUTTONS_SHOWN]], per_row=2)


async def flag(notify: Notifier, logged: LoggedVisit, visitor: str, report: Report | None) -> None:
    """Tell the secretaries of a visit that found a problem, or of 需要帮助 twice in a row."""
    if not logged.flagged_to:
        return
    entry = logged.entry
    texts: dict[str, Content] = {
        Flag.PROBLEM: _("⚠️ Care visit: {visitor} found a problem visiting {who}.", visitor=visitor, who=who(entry)),
        Flag.NEEDS_HELP_TWICE: _("⚠️ Care visit: {who} was found to need help at two visits in a row (the latest "
                                 "by {visitor}). Please follow up.", who=who(entry), visitor=visitor),
    }
    text = lines(texts[logged.flag or Flag.PROBLEM],
                 _("Note: {note}", note=logged.visit.draft.note) if logged.visit.draft.note else None,
                 _("📞 The family was contacted.") if logged.visit.draft.family_contacted else None,
                 _("Report filed for them: {code}", code=report.code) if report else None)
    await notify.to_people(logged.flagged_to, f"care:visit:{logged.visit.id}:flag",
                           Reply(text, choices=visit_buttons([entry])), kind=MessageKind.CARE_VISIT_FLAGGED,
                           priority=Priority.URGENT)


async def remind(notify: Notifier, reminder: CareReminder, zone: ZoneInfo) -> int:
    """Remind a grid worker (or the cadres of a grid without one) of the visits due."""
    rows: list[Content] = [_("💗 Care visits due:")]
    rows += [_("· {who} · {category} · due {date}", who=who(e), category=CATEGORIES[e.subject.category],
               date=day(e.due_at, zone)) for e in reminder.entries]
    return await notify.to_people(reminder.recipients, reminder.key,
                                  Reply(lines(*rows), choices=visit_buttons(reminder.entries)),
                                  kind=MessageKind.CARE_VISITS_DUE, optional=True)


async def overdue(notify: Notifier, reminder: CareReminder, *, days: int, workers: Sequence[str],
                  family: Sequence[FamilyMember] = ()) -> int:
    """Tell the village's cadres that a visit is late past the margin, naming the family to call."""
    entry = reminder.entries[0]
    last = entry.last_visit
    text = lines(
        _("⚠️ Care visit overdue: {who} ({category}) has not been visited for {days} day(s) past the due date.",
          who=who(entry), category=CATEGORIES[entry.subject.category], days=days),
        _("Last visit: {wellbeing}", wellbeing=WELLBEING[last.draft.wellbeing]) if last else _("Not visited yet."),
        _("Grid worker: {name}", name="、".join(workers)) if workers else _("Their grid has no grid worker."),
        _family_lines(family),
    )
    return await notify.to_people(reminder.recipients, reminder.key, Reply(text, choices=visit_buttons([entry])),
                                  kind=MessageKind.CARE_VISIT_OVERDUE)


def _family_lines(family: Sequence[FamilyMember]) -> Content:
    """Name the household's linked relatives (亲情代办), so a cadre knows whom to call."""
    return lines(*(_("📞 Family: {name} ({relation})", name=m.name, relation=RELATIONS[m.relation])
                   for m in family))
