"""A meeting as people see it: its page with buttons, a line in a list, and the messages about it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.callback_data import pack
from handlers.consultation import labels
from handlers.consultation.names import CHANGES, CHECKIN, DISCLOSE, MEETINGS
from handlers.family_labels import DeputyAct, deputy_line
from handlers.replies import Choice, ChoiceRows, Reply
from handlers.texts import Content, Text, _, lines
from village.consultation.meetings import PLANNED, AttendanceFigures, Meeting, MeetingStatus
from village.consultation.planning import MeetingListing, MeetingPage
from village.consultation.signups import SignUp, SignUpStatus
from village.consultation.topics import Topic

SIGN_UP = _("✋ Sign me up")
CANCEL_SIGN_UP = _("🙅 Cancel my sign-up")
DETAILS = _("🔎 Details")


def show_button(meeting_id: int, label: Content = DETAILS) -> Choice:
    """Return the button that opens a meeting's page."""
    return Choice(label, pack(MEETINGS, "show", meeting_id))


def heading(meeting: Meeting, group_name: str | None, zone: ZoneInfo) -> Content:
    """Return a meeting's title, level, scope, time and place."""
    return lines(
        _("🗓 {title}", title=meeting.title),
        _("Level: {level}, for {scope}", level=labels.LEVELS[meeting.level], scope=labels.scope(group_name)),
        _("Time: {when}", when=labels.span(meeting, zone)),
        _("Place: {place}", place=labels.place(meeting)),
    )


def agenda(topics: tuple[Topic, ...]) -> Content:
    """Return the agenda as numbered lines."""
    if not topics:
        return None
    return lines(_("Topics:"), *(f"  {n}. {t.title}" for n, t in enumerate(topics, start=1)))


def seats(meeting: Meeting, figures: AttendanceFigures) -> Text:
    """Return the seats taken and the waitlist."""
    if figures.waitlisted:
        return _("Seats: {capacity}; {confirmed} signed up, {waiting} waiting", capacity=meeting.capacity,
                 confirmed=figures.confirmed, waiting=figures.waitlisted)
    return _("Seats: {capacity}; {confirmed} signed up", capacity=meeting.capacity, confirmed=figures.confirmed)


def my_status(mine: SignUp | None, position: int | None) -> Text:
    """Return the reader's own sign-up in words."""
    if mine is None:
        return _("You: not signed up")
    if mine.status is SignUpStatus.CONFIRMED:
        return _("You: signed up ✅ (seat {seat})", seat=mine.seat or 0)
    return _("You: on the waitlist, number {position}", position=position or 0)


def attendance(figures: AttendanceFigures) -> Text:
    """Return the attendance figures."""
    if figures.rate is None:
        return _("Attended: {attended}", attended=figures.attended)
    return _("Attended: {attended}; {rate}% of those signed up came", attended=figures.attended,
             rate=round(figures.rate * 100))


def disclosures(meeting: Meeting, zone: ZoneInfo) -> Content:
    """Return the resolution and the result, each with its date, once published."""
    return lines(
        _("📜 Resolution ({when}): {text}", when=labels.moment(meeting.resolution_at, zone), text=meeting.resolution)
        if meeting.resolution and meeting.resolution_at else None,
        _("🏁 Result ({when}): {text}", when=labels.moment(meeting.result_at, zone), text=meeting.result)
        if meeting.result and meeting.result_at else None,
    )


def page_text(page: MeetingPage, zone: ZoneInfo, now: datetime) -> Content:
    """Return the text of a meeting's page."""
    meeting = page.meeting
    cancelled = meeting.status is MeetingStatus.CANCELLED
    if cancelled or meeting.has_started(now):
        deadline = None
    elif now < meeting.signup_deadline:
        deadline = _("Sign up by: {when}", when=labels.moment(meeting.signup_deadline, zone))
    else:
        deadline = _("Sign-up has closed.")
    return lines(
        _("🚫 Cancelled: {reason}", reason=meeting.cancel_reason or "—") if cancelled else None,
        _("(Draft: not published yet)") if meeting.status is MeetingStatus.DRAFT else None,
        heading(meeting, page.group_name, zone),
        agenda(page.agenda),
        seats(meeting, page.figures),
        deadline,
        None if cancelled or (meeting.has_started(now) and page.mine is None) else my_status(
            page.mine, page.waitlist_position),
        *(deputy_line(deputy, DeputyAct.SIGNED_UP) for deputy in page.for_household),
        _("✅ You have checked in.") if page.checked_in else None,
        _("Check-in code: {code} (show it at the venue)", code=meeting.checkin_code) if page.may_manage else None,
        attendance(page.figures) if (meeting.has_started(now) or page.figures.attended) and not cancelled else None,
        disclosures(meeting, zone),
    )


def page_buttons(page: MeetingPage, *, started: bool, ended: bool, reader: bool) -> ChoiceRows:
    """Return the buttons of a meeting's page for this reader."""
    meeting, rows = page.meeting, []
    live = meeting.status is not MeetingStatus.CANCELLED and meeting.status is not MeetingStatus.DRAFT
    if page.may_sign_up:
        rows.append((Choice(SIGN_UP, pack(MEETINGS, "join", meeting.id)),))
    if page.mine is not None and live and not started:
        rows.append((Choice(CANCEL_SIGN_UP, pack(MEETINGS, "leave", meeting.id)),))
    if page.may_check_in and not page.checked_in:
        rows.append((Choice(_("✅ Check in here"), pack(CHECKIN, "ask", meeting.id)),))
    if live and not ended:
        rows.append((Choice(_("📅 Add to my calendar"), pack(MEETINGS, "ics", meeting.id)),))
    if page.may_manage:
        rows += _manager_buttons(meeting, started)
    if page.may_manage or reader:
        rows.append((Choice(_("👥 Sign-up sheet"), pack(MEETINGS, "sheet", 0, meeting.id)),))
    return tuple(rows)


def _manager_buttons(meeting: Meeting, started: bool) -> list[tuple[Choice, ...]]:
    rows: list[tuple[Choice, ...]] = []
    if meeting.status is MeetingStatus.DRAFT:
        rows.append((Choice(_("📢 Publish"), pack(MEETINGS, "publish", meeting.id)),))
    if meeting.status in PLANNED and not started:
        rows.append((Choice(_("⏰ Change time"), pack(CHANGES, "move", meeting.id)),
                     Choice(_("🪑 Change seats"), pack(CHANGES, "seats", meeting.id))))
        rows.append((Choice(_("🚫 Cancel the meeting"), pack(CHANGES, "cancel", meeting.id)),))
    if meeting.status is MeetingStatus.PUBLISHED and started:
        rows.append((Choice(_("📜 Publish the resolution"), pack(DISCLOSE, "resolution", meeting.id)),))
    if meeting.status is MeetingStatus.RESOLVED:
        rows.append((Choice(_("🏁 Publish the result"), pack(DISCLOSE, "result", meeting.id)),))
    return rows


def listing_line(listing: MeetingListing, zone: ZoneInfo) -> Content:
    """Return one meeting in a list: when, what, and the reader's status."""
    meeting, mine = listing.meeting, listing.mine
    if meeting.status is MeetingStatus.DRAFT:
        status: Text = _("draft")
    elif mine is not None:
        status = _("signed up") if mine.status is SignUpStatus.CONFIRMED else _("on the waitlist")
    elif listing.figures.confirmed >= meeting.capacity:
        status = _("full, waitlist open")
    else:
        status = _("{free} seat(s) left", free=meeting.capacity - listing.figures.confirmed)
    return _("• {when} {title} — {status}", when=labels.moment(meeting.starts_at, zone), title=meeting.title,
             status=status)


def past_line(listing: MeetingListing, zone: ZoneInfo) -> Content:
    """Return one meeting held, with its attendance and how far its disclosures have come."""
    meeting, waiting = listing.meeting, _("resolution not yet published")
    done = {MeetingStatus.RESOLVED: _("resolution published"), MeetingStatus.IMPLEMENTED: _("result published")}
    return _("• {when} {title} — {attended} came, {status}", when=labels.moment(meeting.starts_at, zone),
             title=meeting.title, attended=listing.figures.attended, status=done.get(meeting.status, waiting))


def announcement(meeting: Meeting, group_name: str | None, topics: tuple[Topic, ...], zone: ZoneInfo) -> Reply:
    """Return the message that tells everyone in scope about a newly published meeting."""
    text = lines(_("📢 New consultation meeting — come and have your say!"), heading(meeting, group_name, zone),
                 agenda(topics), _("Seats: {capacity}. Sign up by {when}.", capacity=meeting.capacity,
                                   when=labels.moment(meeting.signup_deadline, zone)))
    return Reply(text, choices=((Choice(SIGN_UP, pack(MEETINGS, "join", meeting.id)), show_button(meeting.id)),))


def seat_notice(meeting: Meeting, zone: ZoneInfo) -> Reply:
    """Return the message to someone moved from the waitlist into a seat."""
    text = _("🎉 A seat has become free: you are now signed up for “{title}”, {when}, at {place}.",
             title=meeting.title, when=labels.span(meeting, zone), place=labels.place(meeting))
    return Reply(text, choices=((Choice(CANCEL_SIGN_UP, pack(MEETINGS, "leave", meeting.id)),
                                 show_button(meeting.id)),))


def scheduled_notice(topic: Topic, meeting: Meeting, zone: ZoneInfo) -> Reply:
    """Return the message to a topic's proposer and supporters when it goes on a published agenda."""
    text = _("📅 Good news: the topic “{topic}” that you proposed or supported is on the agenda of “{meeting}”, "
             "{when}, at {place}. You are welcome to sign up!", topic=topic.title, meeting=meeting.title,
             when=labels.span(meeting, zone), place=labels.place(meeting))
    return Reply(text, choices=((Choice(SIGN_UP, pack(MEETINGS, "join", meeting.id)), show_button(meeting.id)),))
