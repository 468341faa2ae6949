"""How the care list reads: categories, rhythms, the wellbeing scale, and one line per person."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.texts import Content, Text, _
from village.care.models import CareCategory, CareEntry, Rhythm, Wellbeing

CATEGORIES: dict[CareCategory, Text] = {
    CareCategory.ELDERLY_ALONE: _("Elderly living alone / empty nest"),
    CareCategory.LEFT_BEHIND_CHILD: _("Left-behind child"),
    CareCategory.DISABLED: _("Person with a disability"),
    CareCategory.OTHER: _("Other care"),
}
RHYTHMS: dict[Rhythm, Text] = {
    Rhythm.WEEKLY: _("Weekly"),
    Rhythm.FORTNIGHTLY: _("Every two weeks"),
    Rhythm.MONTHLY: _("Monthly"),
    Rhythm.QUARTERLY: _("Quarterly"),
}
WELLBEING: dict[Wellbeing, Text] = {
    Wellbeing.GOOD: _("🙂 Good"),
    Wellbeing.FAIR: _("😐 Fair"),
    Wellbeing.NEEDS_HELP: _("🆘 Needs help"),
}


def day(moment: datetime, zone: ZoneInfo) -> str:
    """Return a local date as month-day, e.g. 11-09."""
    return moment.astimezone(zone).strftime("%m-%d")


def who(entry: CareEntry) -> Content:
    """Return the person's name with their household, to tell two of the same name apart."""
    if entry.household is None:
        return entry.person.name
    return _("{name} (household {household})", name=entry.person.name, household=entry.household)


def entry_line(entry: CareEntry, now: datetime, zone: ZoneInfo) -> Content:
    """Return one line of the list: who, why, how often, and when the next visit is due (or how late it is)."""
    late = (now - entry.due_at).days
    due: Content = (_("overdue by {days} day(s)", days=late) if late >= 1 else
                    _("visit due {date}", date=day(entry.due_at, zone)))
    return _("· {who} · {category} · {rhythm} · {due}", who=who(entry), category=CATEGORIES[entry.subject.category],
             rhythm=RHYTHMS[entry.subject.rhythm], due=due)


def last_visit_line(entry: CareEntry, zone: ZoneInfo) -> Content:
    """Return when the person was last visited and how they were."""
    visit = entry.last_visit
    if visit is None:
        return _("Not visited yet.")
    return _("Last visit: {date}, {wellbeing}", date=day(visit.at, zone), wellbeing=WELLBEING[visit.draft.wellbeing])
