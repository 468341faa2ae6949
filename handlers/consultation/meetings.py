"""议事活动 (/meetings): upcoming meetings of my scope, their pages, sign-up with one tap, .ics files,
the sign-up sheet where a cadre ticks off who came, and publishing a drafted meeting."""

from __future__ import annotations

from handlers import glossary
from handlers.callback_data import pack
from handlers.consultation import labels, notices, pages, steps
from handlers.consultation.calendar import file_name, meeting_ics
from handlers.consultation.names import MEETINGS, PLANNING
from handlers.context import Context
from handlers.conversations import Flow, MenuItem, MenuSection, Turn, finish, stay
from handlers.family_labels import DeputyAct, deputy_line
from handlers.keyboards import pager_row
from handlers.replies import Attachment, AttachmentKind, Choice, Reply
from handlers.texts import Content, _, lines
from village.consultation.meetings import marking_open
from village.consultation.planning import MeetingPage
from village.consultation.scope import may_plan
from village.consultation.signups import RosterLine, SignUpStatus
from village.permissions import READERS

SHEET_PAGE = 10


async def begin(ctx: Context) -> Turn:
    """List the meetings not yet over that I may see; managers also what still awaits its disclosure."""
    listings = await ctx.services.meetings.upcoming(ctx.actor)
    waiting = await ctx.services.meetings.awaiting_disclosure(ctx.actor) if may_plan(ctx.member) else []
    zone = ctx.services.settings.timezone
    rows = [(pages.show_button(m.meeting.id, m.meeting.title),) for m in listings]
    listed = {m.meeting.id for m in listings}
    rows += [(pages.show_button(m.meeting.id, f"📜 {m.meeting.title}"),) for m in waiting if m.meeting.id not in listed]
    rows.append((Choice(_("📜 Past meetings"), pack(MEETINGS, "past")),))
    if may_plan(ctx.member):
        rows.append((Choice(_("➕ Plan a meeting"), pack(PLANNING, "new")),))
    text = lines(
        glossary.MEETINGS if listings else _("There are no meetings coming up. When one is "
                                                                  "planned you will get a message."),
        *(pages.listing_line(m, zone) for m in listings),
        _("Waiting for you to publish the resolution or the result:") if waiting else None,
        *(_("• {when} {title}", when=labels.moment(m.meeting.starts_at, zone), title=m.meeting.title)
          for m in waiting))
    return finish(Reply(text, choices=tuple(rows)), menu=False)  # the menu keyboard is still shown


async def show_past(ctx: Context) -> Turn:
    """List the latest meetings held, with their pages holding the resolutions."""
    listings = await ctx.services.meetings.past(ctx.actor)
    if not listings:
        return stay(Reply(_("No meetings have been held yet.")))
    zone = ctx.services.settings.timezone
    text = lines(_("📜 Past meetings"), *(pages.past_line(m, zone) for m in listings))
    return stay(Reply(text, choices=tuple((pages.show_button(m.meeting.id, m.meeting.title),) for m in listings)))


async def page_reply(ctx: Context, meeting_id: int, *, edit: bool = False) -> Reply:
    """Return a meeting's page for the person writing."""
    page = await ctx.services.meetings.page(ctx.actor, meeting_id)
    return _render(ctx, page, edit=edit)


def _render(ctx: Context, page: MeetingPage, *, edit: bool) -> Reply:
    now, zone = ctx.services.clock.now(), ctx.services.settings.timezone
    started, ended = page.meeting.has_started(now), page.meeting.has_ended(now)
    reader = ctx.actor.has_role(page.meeting.village_id, *READERS)
    return Reply(pages.page_text(page, zone, now),
                 choices=pages.page_buttons(page, started=started, ended=ended, reader=reader), edit=edit)


async def show(ctx: Context) -> Turn:
    """Show a meeting's page."""
    return stay(await page_reply(ctx, steps.action_id(ctx)))


async def join(ctx: Context) -> Turn:
    """Sign up with one tap: a seat, or the waitlist when full."""
    meeting_id = steps.action_id(ctx)
    signup = await ctx.services.signups.sign_up(ctx.actor, meeting_id)
    page = await page_reply(ctx, meeting_id, edit=True)
    if signup.status is SignUpStatus.CONFIRMED:
        note = _("✅ You are signed up (seat {seat}). We will remind you the day before and an hour before.",
                 seat=signup.seat or 0)
    else:
        note = _("The meeting is full, so you are on the waitlist. If someone cancels, seats go in order and "
                 "we will tell you.")
    return stay(page, Reply(note))


async def leave(ctx: Context) -> Turn:
    """Cancel my sign-up; the first on the waitlist gets the seat and is told."""
    withdrawal = await ctx.services.signups.cancel(ctx.actor, steps.action_id(ctx))
    if withdrawal.promoted is not None:
        await notices.promoted(ctx.notify, withdrawal.promoted, withdrawal.meeting, ctx.services.settings.timezone,
                               ctx.services.clock.now())
    page = await page_reply(ctx, withdrawal.meeting.id, edit=True)
    return stay(page, Reply(_("Your sign-up is cancelled. Thank you for letting us know.")))


async def calendar_file(ctx: Context) -> Turn:
    """Send the meeting as an .ics file for the phone's calendar."""
    page = await ctx.services.meetings.page(ctx.actor, steps.action_id(ctx))
    venue = ctx.render(labels.place(page.meeting))
    data = meeting_ics(page.meeting, page.agenda, venue=venue, stamp=ctx.services.clock.now())
    attachment = Attachment(AttachmentKind.DOCUMENT, data=data, file_name=file_name(page.meeting))
    return stay(Reply(_("📅 Open this file to add the meeting to your phone's calendar."), attachment=attachment))


async def sheet(ctx: Context) -> Turn:
    """Show the sign-up sheet (managers and supervisors); managers tick off who came."""
    return stay(await _sheet_reply(ctx, steps.action_id(ctx, 1), steps.action_id(ctx, 0), edit=False))


async def turn_sheet(ctx: Context) -> Turn:
    """Show another page of the sign-up sheet in the same message."""
    return stay(await _sheet_reply(ctx, steps.action_id(ctx, 1), steps.action_id(ctx, 0), edit=True))


async def mark(ctx: Context) -> Turn:
    """Record that someone came, and refresh the sheet."""
    meeting_id, person_id, page = steps.action_id(ctx, 0), steps.action_id(ctx, 1), steps.action_id(ctx, 2)
    await ctx.services.signups.mark_attended(ctx.actor, meeting_id, person_id)
    return stay(await _sheet_reply(ctx, meeting_id, page, edit=True))


async def _sheet_reply(ctx: Context, meeting_id: int, number: int, *, edit: bool) -> Reply:
    sheet_lines = await ctx.services.signups.sheet(ctx.actor, meeting_id)
    page = await ctx.services.meetings.page(ctx.actor, meeting_id)
    opens = ctx.services.settings.consultation.checkin_opens
    can_mark = page.may_manage and marking_open(page.meeting, ctx.services.clock.now(), opens=opens)
    pages_count = max(1, -(-len(sheet_lines) // SHEET_PAGE))
    number = min(number, pages_count - 1)
    shown = sheet_lines[number * SHEET_PAGE:(number + 1) * SHEET_PAGE]
    marks = [(Choice(f"☐ {line.name}", pack(MEETINGS, "mark", meeting_id, line.person_id, number)),)
             for line in shown if can_mark and not line.attended]
    pager = pager_row(MEETINGS, "sheetp", number, pages_count, meeting_id)
    text = lines(_("👥 Sign-up sheet: {title}", title=page.meeting.title), pages.seats(page.meeting, page.figures),
                 pages.attendance(page.figures), *(_line(line, number * SHEET_PAGE + i + 1)
                                                   for i, line in enumerate(shown)),
                 _("Tap a name to record that the person came.") if marks else None)
    return Reply(text, choices=(*marks, pager) if pager else tuple(marks), edit=edit)


def _line(line: RosterLine, number: int) -> Content:
    return lines(_name_line(line, number), deputy_line(line.deputy, DeputyAct.SIGNED_UP))


def _name_line(line: RosterLine, number: int) -> Content:
    came = " ✅" if line.attended else ""
    if line.status is SignUpStatus.WAITLISTED:
        return _("{number}. {name} (waitlist){came}", number=number, name=line.name, came=came)
    if line.status is None:
        return _("{number}. {name} (came without signing up){came}", number=number, name=line.name, came=came)
    return f"{number}. {line.name}{came}"


async def publish(ctx: Context) -> Turn:
    """Publish a drafted meeting: everyone in scope is told, and each agenda topic's followers."""
    publication = await ctx.services.meetings.publish(ctx.actor, steps.action_id(ctx))
    page = await ctx.services.meetings.page(ctx.actor, publication.meeting.id)
    told = await notices.publication(ctx.notify, publication, page.group_name, ctx.services.settings.timezone,
                                     publisher=ctx.member.id)
    return stay(_render(ctx, page, edit=True), Reply(_("📢 Published. {count} people are being told.", count=told)))


def build() -> Flow:
    """Return the meetings flow."""
    return Flow(
        name=MEETINGS,
        begin=begin,
        commands=("meetings",),
        menu=MenuItem(glossary.MEETINGS, order=16, section=MenuSection.MAIN),
        actions={"show": show, "past": show_past, "join": join, "leave": leave, "ics": calendar_file,
                 "sheet": sheet, "sheetp": turn_sheet, "mark": mark, "publish": publish},
    )
