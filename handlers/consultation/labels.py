"""The words consultation shows: levels, venues, statuses, stages, and dates in the village's time."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from handlers.texts import Text, _
from village.consultation.levels import MeetingLevel, VenueType
from village.consultation.matters import MatterStage
from village.consultation.meetings import Meeting, MeetingStatus
from village.consultation.topics import TopicStatus

LEVELS = {
    MeetingLevel.HOMESTEAD: _("homestead meeting"),
    MeetingLevel.SOCIAL_ORG: _("social organisation meeting"),
    MeetingLevel.VILLAGE: _("village meeting"),
}

VENUES = {
    VenueType.NEIGHBOUR_HALL: _("Neighbourhood hall"),
    VenueType.PARLOUR: _("Parlour gathering"),
    VenueType.STATION: _("Life station"),
    VenueType.OFFICE: _("Village committee room"),
    VenueType.OTHER: _("Another place"),
}

MEETING_STATUSES = {
    MeetingStatus.DRAFT: _("draft, not published"),
    MeetingStatus.PUBLISHED: _("open"),
    MeetingStatus.CANCELLED: _("cancelled"),
    MeetingStatus.RESOLVED: _("resolution published"),
    MeetingStatus.IMPLEMENTED: _("result published"),
}

TOPIC_STATUSES = {
    TopicStatus.OPEN: _("collecting supports"),
    TopicStatus.SCHEDULED: _("on a meeting's agenda"),
    TopicStatus.DECLINED: _("not taken up"),
    TopicStatus.RESOLVED: _("decided at the meeting"),
    TopicStatus.IMPLEMENTED: _("carried out"),
}

STAGES = {
    MatterStage.BRANCH_PROPOSAL: _("Party branch proposes"),
    MatterStage.COMMITTEES: _("Two committees discuss"),
    MatterStage.PARTY_MEMBERS: _("Party members review"),
    MatterStage.REPRESENTATIVES: _("Representatives decide"),
    MatterStage.RESOLUTION_PUBLIC: _("Resolution made public"),
    MatterStage.RESULT_PUBLIC: _("Result made public"),
}

WEEKDAYS = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))


def day(value: date) -> Text:
    """Return e.g. 12月5日（周六）."""
    return _("{month}/{day} ({weekday})", month=value.month, day=value.day, weekday=WEEKDAYS[value.weekday()])


def moment(value: datetime, zone: ZoneInfo) -> Text:
    """Return e.g. 12月5日（周六）14:00, in the village's time."""
    local = value.astimezone(zone)
    return _("{day} {time}", day=day(local.date()), time=local.strftime("%H:%M"))


def between(starts_at: datetime, ends_at: datetime, zone: ZoneInfo) -> Text:
    """Return a time span, e.g. 12月5日（周六）14:00–16:00 (the end's day only when it differs)."""
    start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    if start.date() == end.date():
        return _("{start}–{end}", start=moment(starts_at, zone), end=end.strftime("%H:%M"))
    return _("{start}–{end}", start=moment(starts_at, zone), end=moment(ends_at, zone))


def span(meeting: Meeting, zone: ZoneInfo) -> Text:
    """Return a meeting's time span."""
    return between(meeting.starts_at, meeting.ends_at, zone)


def place(meeting: Meeting) -> Text:
    """Return the venue: its kind and the place, e.g. 睦邻四堂间 · 3组张家."""
    return _("{venue} · {place}", venue=VENUES[meeting.venue_type], place=meeting.venue_name)


def scope(meeting_group: str | None) -> Text:
    """Return who a meeting or topic is for: a group, or the whole village."""
    return _("group {group}", group=meeting_group) if meeting_group else _("the whole village")
