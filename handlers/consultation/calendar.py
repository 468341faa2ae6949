"""A meeting as an iCalendar (.ics) file, so a phone's calendar can hold it and remind too."""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Alarm, Calendar, Event

from village.consultation.meetings import Meeting
from village.consultation.topics import Topic

PRODUCT = "-//Hemei//consultation//ZH"


def meeting_ics(meeting: Meeting, topics: tuple[Topic, ...], *, venue: str, stamp: datetime) -> bytes:
    """Return the .ics bytes of one meeting; `venue` is the place as the reader calls it."""
    event = Event()
    event.add("uid", f"meeting-{meeting.id}@hemei")
    event.add("sequence", meeting.version - 1)  # a moved meeting replaces the old entry
    event.add("dtstamp", stamp)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", meeting.title)
    event.add("location", venue)
    if topics:
        event.add("description", "\n".join(f"{n}. {t.title}" for n, t in enumerate(topics, start=1)))
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", meeting.title)
    alarm.add("trigger", -timedelta(hours=1))
    event.add_component(alarm)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add_component(event)
    return bytes(calendar.to_ical())


def file_name(meeting: Meeting) -> str:
    """Return the attachment's file name."""
    return f"meeting-{meeting.id}.ics"
