"""Messages about reports to people other than the one writing, queued through the outbox.

Keys: `report:<id>:new:*` to its handlers, `report:<id>:event:<event>` to the reporter
and followers, `report:<id>:rate:<event>` the rating request, and the daily jobs' keys.
"""

from __future__ import annotations

from collections.abc import Iterable

from handlers.context import Notifier
from handlers.replies import Attachment, AttachmentKind, Reply
from handlers.reports.cards import card_reply, rating_buttons, show_button, title
from handlers.texts import Content, _, lines
from village.geo import Datum
from village.media import MediaKind
from village.outbox import MessageKind, Priority
from village.people import Actor
from village.reports import FiledReport, MediaPurpose, Report, ReportAction, ReportChange, ReportMedia
from village.services import Services

_ATTACHMENTS = {MediaKind.PHOTO: AttachmentKind.PHOTO, MediaKind.VOICE: AttachmentKind.VOICE}


def media_replies(report: Report, media: Iterable[ReportMedia]) -> list[Reply]:
    """Return one message per photo or voice message of the report as it stands, then its location.

    The reporter's photos are numbered among themselves; a fix's photo shows only in its own round.
    """
    replies = []
    number = 0
    for item in (m for m in media if m.shown_with(report)):
        if item.purpose is MediaPurpose.REPORT and item.media.kind is MediaKind.PHOTO:
            number += 1
        caption = (_("🎤 Voice message of {code}", code=report.code) if item.media.kind is MediaKind.VOICE
                   else _("📷 Photo {number} of {code}", number=number, code=report.code))
        if item.purpose is MediaPurpose.RESOLUTION:
            caption = _("📷 Photo of the fix for {code}", code=report.code)
        kind = _ATTACHMENTS.get(item.media.kind, AttachmentKind.DOCUMENT)
        replies.append(Reply(caption, attachment=Attachment(kind, media_id=item.media.id)))
    if report.point is not None:
        point = report.point.to(Datum.WGS84)  # a reply's location is in WGS-84 (handlers/replies.py)
        replies.append(Reply(_("📍 Location of {code}", code=report.code), location=(point.latitude, point.longitude)))
    return replies


async def to_handlers(notify: Notifier, services: Services, filed: FiledReport) -> None:
    """Send the new report, with photos, voice and location, to its assignee (or the cadres), with buttons."""
    zone = services.settings.timezone
    report = filed.report
    for person_id in filed.handlers:
        person = await services.store.people.get(person_id)
        if person is None:
            continue
        view = await services.reports.staff_view(Actor.of(person), report.id)
        for number, reply in enumerate(media_replies(report, filed.media)):
            await notify.to_person(person_id, f"report:{report.id}:new:media:{number}", reply,
                                   kind=MessageKind.REPORT_ASSIGNED)
        intro = _("🆕 New problem report for you to handle:")
        await notify.to_person(person_id, f"report:{report.id}:new:card", card_reply(view, zone, intro=intro),
                               kind=MessageKind.REPORT_ASSIGNED)


async def to_new_assignee(notify: Notifier, services: Services, change: ReportChange) -> None:
    """Send a reassigned report to its new handler."""
    report = change.report
    if report.assignee_id is None:
        return
    person = await services.store.people.get(report.assignee_id)
    if person is None:
        return
    view = await services.reports.staff_view(Actor.of(person), report.id)
    key = f"report:{report.id}:assigned:{change.event.id}"
    for number, reply in enumerate(media_replies(report, view.media)):
        await notify.to_person(person.id, f"{key}:media:{number}", reply, kind=MessageKind.REPORT_ASSIGNED)
    intro = _("🔀 A problem report was passed to you:")
    await notify.to_person(person.id, f"{key}:card", card_reply(view, services.settings.timezone, intro=intro),
                           kind=MessageKind.REPORT_ASSIGNED)


def _update(change: ReportChange) -> Content | None:
    """Return what the reporter is told about a change; None for changes they are not told of."""
    r, note = change.report, change.event.note
    name = title(r)
    texts: dict[str, Content] = {
        ReportAction.ACCEPT: _("Your report {title} has been accepted and is being looked after.", title=name),
        ReportAction.CONSULT: _("Your report {title} is being discussed with: {note}.", title=name, note=note),
        ReportAction.START: _("Work has started on your report {title}.", title=name),
        ReportAction.RESOLVE: lines(_("Your report {title} has been resolved.", title=name),
                                    _("What was done: {note}", note=note)),
        ReportAction.REJECT: lines(_("Sorry, your report {title} cannot be taken up.", title=name),
                                   _("Reason: {note}", note=note)),
        ReportAction.MERGE: _("Your report {title} is the same problem as {code}; they are handled together and "
                              "you will hear about its progress.", title=name,
                              code=str(change.event.params.get("into_code", ""))),
        ReportAction.RATE_UNSATISFIED: _("The reporter was not satisfied with the fix of {title}; it is being "
                                         "handled again.", title=name),
        ReportAction.RATE_SATISFIED: _("The report {title} you joined is closed. Thank you!", title=name),
        ReportAction.RATE_BASIC: _("The report {title} you joined is closed. Thank you!", title=name),
        ReportAction.AUTO_CLOSE: _("Your report {title} was resolved a while ago and is now closed. Thank you for "
                                   "taking part!", title=name),
    }
    return texts.get(change.event.kind)


async def announce(notify: Notifier, services: Services, change: ReportChange, *, actor_id: int | None) -> None:
    """Tell the reporter and followers (not the one who acted) of a status change, in their language."""
    text = _update(change)
    report = change.report
    if text is None:
        return
    key = f"report:{report.id}:event:{change.event.id}"
    audience = [p for p in change.audience if p != actor_id]
    if change.event.kind == ReportAction.RESOLVE:
        await _resolution(notify, services, change, text, key)
        audience = [p for p in audience if p != report.reporter_id]
    await notify.to_people(audience, key, Reply(text), kind=MessageKind.REPORT_STATUS_CHANGED, priority=Priority.URGENT)


async def _resolution(notify: Notifier, services: Services, change: ReportChange, text: Content, key: str) -> None:
    """Tell the reporter of the fix, with the photo of it, and ask for a rating."""
    report = change.report
    fixes = [m for m in await services.store.reports.media(report.id)
             if m.purpose is MediaPurpose.RESOLUTION and m.shown_with(report)]
    for number, reply in enumerate(media_replies(report, fixes)[:len(fixes)]):
        await notify.to_person(report.reporter_id, f"{key}:photo:{number}", reply,
                               kind=MessageKind.REPORT_STATUS_CHANGED)
    ask = Reply(lines(text, _("Please rate how it was handled:")), buttons=rating_buttons(report))
    await notify.to_person(report.reporter_id, f"report:{report.id}:rate:{change.event.id}", ask,
                           kind=MessageKind.REPORT_STATUS_CHANGED, priority=Priority.URGENT)


async def alert(notify: Notifier, change: ReportChange, text: Content, key: str) -> None:
    """Alert staff (e.g. the assignee and secretaries when a fix is rated 不满意), with a button to the card."""
    await notify.to_people(change.alert, key, Reply(text, buttons=show_button(change.report)),
                           kind=MessageKind.REPORT_ALERT, priority=Priority.URGENT)


async def filed_for_you(notify: Notifier, filed: FiledReport, filer: str) -> None:
    """Tell a resident that a grid worker or cadre filed a report for them (代报)."""
    report = filed.report
    text = _("{filer} has filed a report for you: {title}. You will be told of its progress here; see "
             "📂 My reports.", filer=filer, title=title(report))
    await notify.to_person(report.reporter_id, f"report:{report.id}:filed-for", Reply(text),
                           kind=MessageKind.REPORT_FILED_FOR)
