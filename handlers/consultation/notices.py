"""Messages consultation queues for other people, with their idempotency keys.

Keys name the event and the person, e.g. `meeting:42:remind-24h:person:7`, so a
retried step or a recomputed job never sends the same message twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.callback_data import pack
from handlers.consultation import labels, pages
from handlers.consultation.names import MATTERS, TOPICS
from handlers.context import Notifier
from handlers.replies import Choice, Reply
from handlers.texts import _, lines
from village.consultation.disclosures import Disclosure
from village.consultation.matters import StageOutcome
from village.consultation.meetings import Meeting, reminder_label
from village.consultation.planning import MeetingChange, Publication
from village.consultation.signups import SignUp
from village.consultation.topics import Topic, TopicDecision
from village.outbox import MessageKind, Priority


async def publication(notify: Notifier, published: Publication, group_name: str | None, zone: ZoneInfo, *,
                      publisher: int | None) -> int:
    """Tell everyone in scope but the publisher about a published meeting, and each agenda topic's followers."""
    meeting = published.meeting
    message = pages.announcement(meeting, group_name, tuple(d.topic for d in published.agenda), zone)
    audience = [p for p in published.audience if p != publisher]
    told = await notify.to_people(audience, f"meeting:{meeting.id}:published", message,
                                  kind=MessageKind.MEETING_ANNOUNCED, priority=Priority.BULK,
                                  batch=f"meeting:{meeting.id}:published")
    for decision in published.agenda:
        await scheduled(notify, decision, meeting, zone)
    return told


async def scheduled(notify: Notifier, decision: TopicDecision, meeting: Meeting, zone: ZoneInfo) -> None:
    """Tell a topic's proposer and supporters it is on a published meeting's agenda."""
    await notify.to_people(decision.followers, f"topic:{decision.topic.id}:scheduled",
                           pages.scheduled_notice(decision.topic, meeting, zone), kind=MessageKind.TOPIC_SCHEDULED)


async def declined(notify: Notifier, decision: TopicDecision, reason: str) -> None:
    """Tell a topic's proposer and supporters it was not taken up, and why."""
    text = _("The topic “{topic}” that you proposed or supported will not go on a meeting's agenda for now. "
             "Reason: {reason}", topic=decision.topic.title, reason=reason)
    await notify.to_people(decision.followers, f"topic:{decision.topic.id}:declined", Reply(text),
                           kind=MessageKind.TOPIC_DECLINED)


async def threshold(notify: Notifier, topic: Topic, managers: Iterable[int], needed: int) -> None:
    """Tell the managers a topic has enough supports to be taken up."""
    text = _("📣 The topic “{topic}” now has {count} supports (the threshold is {needed}). Please put it on a "
             "meeting's agenda or answer with a reason.", topic=topic.title, count=topic.supports, needed=needed)
    button = Choice(_("🔎 Open the topic"), pack(TOPICS, "show", topic.id))
    await notify.to_people(managers, f"topic:{topic.id}:threshold", Reply(text, choices=((button,),)),
                           kind=MessageKind.TOPIC_THRESHOLD)


async def promoted(notify: Notifier, signup: SignUp, meeting: Meeting, zone: ZoneInfo, now: datetime) -> None:
    """Tell someone moved from the waitlist into a seat."""
    key = f"meeting:{meeting.id}:promoted:person:{signup.person_id}:{int(now.timestamp())}"
    await notify.to_person(signup.person_id, key, pages.seat_notice(meeting, zone),
                           kind=MessageKind.MEETING_WAITLIST_PROMOTED)


async def moved(notify: Notifier, change: MeetingChange, zone: ZoneInfo) -> None:
    """Tell everyone signed up that the meeting moved."""
    meeting = change.meeting
    text = _("⏰ The meeting “{title}” has moved. New time: {when}, at {place} (it was {before}). Your sign-up "
             "still holds; if you cannot come now, please cancel it.", title=meeting.title,
             when=labels.span(meeting, zone), place=labels.place(meeting), before=labels.span(change.before, zone))
    for person_id in change.signed_up:
        await notify.to_person(person_id, f"meeting:{meeting.id}:moved-{meeting.version}:person:{person_id}",
                               Reply(text, choices=((pages.show_button(meeting.id),),)), kind=MessageKind.MEETING_MOVED)


async def cancelled(notify: Notifier, change: MeetingChange, zone: ZoneInfo) -> None:
    """Tell everyone signed up that the meeting is cancelled."""
    meeting = change.meeting
    text = _("🚫 The meeting “{title}” ({when}) is cancelled. Reason: {reason}", title=meeting.title,
             when=labels.span(meeting, zone), reason=meeting.cancel_reason or "—")
    for person_id in change.signed_up:
        await notify.to_person(person_id, f"meeting:{meeting.id}:cancelled:person:{person_id}", Reply(text),
                               kind=MessageKind.MEETING_CANCELLED)


async def reminder(notify: Notifier, meeting: Meeting, offset: timedelta, person_id: int, zone: ZoneInfo) -> int:
    """Remind one person signed up; return how many messages were newly queued (0 when sent before)."""
    version = f":v{meeting.version}" if meeting.version > 1 else ""
    key = f"meeting:{meeting.id}{version}:remind-{reminder_label(offset)}:person:{person_id}"
    text = lines(_("⏰ Meeting reminder: “{title}”", title=meeting.title),
                 _("Time: {when}", when=labels.span(meeting, zone)),
                 _("Place: {place}", place=labels.place(meeting)),
                 _("Please come on time. If you cannot come, tap “Cancel my sign-up” so a neighbour on the waitlist "
                   "can have your seat."))
    buttons = ((Choice(pages.CANCEL_SIGN_UP, pack(pages.MEETINGS, "leave", meeting.id)),
                pages.show_button(meeting.id)),)
    return await notify.to_person(person_id, key, Reply(text, choices=buttons), kind=MessageKind.MEETING_REMINDER)


async def disclosure(notify: Notifier, disclosed: Disclosure, *, result: bool, publisher: int | None) -> int:
    """Send a published resolution (or result) to the scope but the publisher, and a note to each topic's followers."""
    meeting, kind = disclosed.meeting, "result" if result else "resolution"
    text = meeting.result if result else meeting.resolution
    heading = (_("🏁 Implementation result of “{title}”", title=meeting.title) if result
               else _("📜 Resolution of “{title}”", title=meeting.title))
    message = Reply(lines(heading, text or ""), choices=((pages.show_button(meeting.id),),))
    audience = [p for p in disclosed.audience if p != publisher]
    told = await notify.to_people(audience, f"meeting:{meeting.id}:{kind}", message,
                                  kind=MessageKind.RESULT_DISCLOSED if result else MessageKind.RESOLUTION_DISCLOSED,
                                  priority=Priority.BULK, batch=f"meeting:{meeting.id}:{kind}")
    for decision in disclosed.agenda:
        note = (_("🏁 The topic “{topic}” that you proposed or supported has been carried out: {text}",
                  topic=decision.topic.title, text=text or "") if result else
                _("📜 The topic “{topic}” that you proposed or supported was discussed at “{title}”. "
                  "The resolution: {text}", topic=decision.topic.title, title=meeting.title, text=text or ""))
        key = f"topic:{decision.topic.id}:{'implemented' if result else 'resolved'}"
        buttons = ((pages.show_button(meeting.id),),)
        told += await notify.to_people(decision.followers, key, Reply(note, choices=buttons),
                                       kind=MessageKind.TOPIC_OUTCOME)
    return told


async def stage_made_public(notify: Notifier, outcome: StageOutcome, *, publisher: int | None) -> int:
    """Tell the whole village but the publisher about a matter's resolution or result made public."""
    record, matter = outcome.record, outcome.matter
    text = lines(_("🏛 Major village matter: {title}", title=matter.title),
                 _("{stage}: {outcome}", stage=labels.STAGES[record.stage], outcome=record.outcome))
    button = Choice(_("🔎 See every stage"), pack(MATTERS, "show", matter.id))
    audience = [p for p in outcome.audience if p != publisher]
    return await notify.to_people(audience, f"matter:{matter.id}:{record.stage.value}",
                                  Reply(text, choices=((button,),)), kind=MessageKind.MATTER_STAGE_DISCLOSED,
                                  priority=Priority.BULK,
                                  batch=f"matter:{matter.id}:{record.stage.value}")
