"""Planning a meeting step by step (cadres; group leaders for their own group's 宅基议事):
level, scope, title, agenda topics, venue, start and end, seats, sign-up deadline; then publish or keep a draft."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import Enum, auto

from handlers import glossary
from handlers.callback_data import pack
from handlers.consultation import labels, notices, steps
from handlers.consultation.meetings import page_reply
from handlers.consultation.names import PLANNING
from handlers.context import Context
from handlers.conversations import Flow, State, Turn, finish, goto, reask, stay
from handlers.keyboards import choice_rows, navigation, pager_row
from handlers.replies import Choice, Reply
from handlers.texts import _, lines
from village.consultation.levels import MeetingLevel, VenueType
from village.consultation.meetings import (
    MAX_TITLE,
    MAX_VENUE,
    MIN_TEXT,
    MeetingPlan,
    check_capacity,
    check_deadline,
    check_end,
    clean_text,
    clean_title,
    deadline_options,
)
from village.errors import ErrorCode, PermissionDeniedError
from village.roles import Role

GROUPS_PER_PAGE = 8
SEAT_CHOICES = (10, 20, 30, 50, 100)
DEADLINE_LABELS = {"1d": _("The day before"), "2h": _("Two hours before"), "0h": _("Until it starts")}
MAX_AGENDA_CHOICES = 15


class PlanState(Enum):
    """The questions of planning a meeting."""

    LEVEL = auto()
    SCOPE = auto()
    TITLE = auto()
    AGENDA = auto()
    VENUE_TYPE = auto()
    VENUE = auto()
    START = auto()
    END = auto()
    SEATS = auto()
    DEADLINE = auto()
    CONFIRM = auto()


async def begin(ctx: Context) -> Turn:
    """Start planning: cadres choose the level; a group leader plans their own group's 宅基议事."""
    person = ctx.member
    if person.has_role(person.village_id, Role.CADRE):
        return goto(PlanState.LEVEL)
    if person.group_id is None or not person.has_role(person.village_id, Role.GROUP_LEADER):
        raise PermissionDeniedError()
    ctx.draft.update(level=MeetingLevel.HOMESTEAD.value, group_id=person.group_id)
    return goto(PlanState.TITLE)


async def ask_level(ctx: Context) -> Sequence[Reply]:
    """Offer the three levels."""
    choices = [(labels.LEVELS[level], pack(PLANNING, "level", level.value)) for level in MeetingLevel]
    return [Reply(_("Which kind of consultation is it?"), choices=choice_rows(choices))]


async def receive_level(ctx: Context) -> Turn:
    """Keep the level; the village level needs no scope question."""
    callback = steps.pressed(ctx, PLANNING, "level")
    if callback is None or callback.arg() not in {level.value for level in MeetingLevel}:
        return reask(Reply(_("Please tap one of the buttons.")))
    ctx.draft.update(level=callback.arg(), group_id=None, page=0)
    return goto(PlanState.TITLE) if callback.arg() == MeetingLevel.VILLAGE.value else goto(PlanState.SCOPE)


async def ask_scope(ctx: Context) -> Sequence[Reply]:
    """Offer the groups (and the whole village, for a social organisation's meeting), a page at a time."""
    groups = await ctx.services.meetings.groups(ctx.actor)
    pages_count = max(1, -(-len(groups) // GROUPS_PER_PAGE))
    page = min(int(ctx.draft.get("page", 0)), pages_count - 1)
    shown = groups[page * GROUPS_PER_PAGE:(page + 1) * GROUPS_PER_PAGE]
    choices = [(g.name, pack(PLANNING, "group", g.id)) for g in shown]
    if ctx.draft["level"] != MeetingLevel.HOMESTEAD.value:
        choices.insert(0, (labels.scope(None), pack(PLANNING, "group", 0)))
    pager = pager_row(PLANNING, "gpage", page, pages_count)
    rows = choice_rows(choices, per_row=2)
    return [Reply(_("Who is it for?"), choices=(*rows, pager) if pager else rows)]


async def receive_scope(ctx: Context) -> Turn:
    """Keep the chosen group (0 means the whole village), or turn the page."""
    callback = steps.pressed(ctx, PLANNING, "group", "gpage")
    if callback is None:
        return reask(Reply(_("Please tap one of the buttons.")))
    if callback.action == "gpage":
        ctx.draft["page"] = steps.int_arg(callback)
        return reask()
    group_id = steps.int_arg(callback)
    if group_id == 0 and ctx.draft["level"] == MeetingLevel.HOMESTEAD.value:
        return reask(Reply(_("A homestead meeting is for one group. Please tap a group.")))
    ctx.draft["group_id"] = group_id or None
    return goto(PlanState.TITLE)


async def ask_title(ctx: Context) -> Sequence[Reply]:
    """Ask for the title."""
    return [Reply(_("Please type the meeting's title ({length}), e.g. Village road repair meeting.",
                    length=glossary.length(MIN_TEXT, MAX_TITLE)))]


async def receive_title(ctx: Context) -> Turn:
    """Keep a valid title."""
    text = steps.typed(ctx)
    if text is None:
        return reask(Reply(_("Please type the title as text.")))
    ctx.draft["title"] = clean_title(text)
    return goto(PlanState.AGENDA)


async def ask_agenda(ctx: Context) -> Sequence[Reply]:
    """Offer the open topics this meeting may take, to tick."""
    return [await _agenda_question(ctx)]


async def _agenda_question(ctx: Context, *, edit: bool = False) -> Reply:
    village_id = ctx.member.village_id
    topics = await ctx.services.meetings.agenda_candidates(ctx.actor, village_id, ctx.draft.get("group_id"))
    chosen = set(ctx.draft.get("topics", []))
    rows = [(Choice(f"{'✅' if t.id in chosen else '☐'} {t.title} 👍{t.supports}", pack(PLANNING, "topic", t.id)),)
            for t in topics[:MAX_AGENDA_CHOICES]]
    rows.append((Choice(glossary.NEXT, pack(PLANNING, "next")),))
    text = (_("Tick the topics to discuss (as many as you like), then tap {next}:", next=glossary.NEXT) if topics
            else _("No open topics fit this meeting. Tap {next} to go on.", next=glossary.NEXT))
    return Reply(text, choices=tuple(rows), navigation=navigation() if edit else (), edit=edit)


async def receive_agenda(ctx: Context) -> Turn:
    """Tick or untick a topic in place, or go on."""
    callback = steps.pressed(ctx, PLANNING, "topic", "next")
    if callback is None:
        return reask(Reply(_("Please tap the topics, then Next.")))
    if callback.action == "next":
        return goto(PlanState.VENUE_TYPE)
    topic_id, chosen = steps.int_arg(callback), list(ctx.draft.get("topics", []))
    ctx.draft["topics"] = [t for t in chosen if t != topic_id] if topic_id in chosen else [*chosen, topic_id]
    return stay(await _agenda_question(ctx, edit=True))


async def ask_venue_type(ctx: Context) -> Sequence[Reply]:
    """Offer the kinds of venue."""
    choices = [(labels.VENUES[venue], pack(PLANNING, "venue", venue.value)) for venue in VenueType]
    return [Reply(_("Where will it be held?"), choices=choice_rows(choices))]


async def receive_venue_type(ctx: Context) -> Turn:
    """Keep the kind of venue."""
    callback = steps.pressed(ctx, PLANNING, "venue")
    if callback is None or callback.arg() not in {venue.value for venue in VenueType}:
        return reask(Reply(_("Please tap one of the buttons.")))
    ctx.draft["venue_type"] = callback.arg()
    return goto(PlanState.VENUE)


async def ask_venue(ctx: Context) -> Sequence[Reply]:
    """Ask for the exact place."""
    return [Reply(_("Please type the exact place, e.g. Group 3, the Zhang family's parlour."))]


async def receive_venue(ctx: Context) -> Turn:
    """Keep the place."""
    text = steps.typed(ctx)
    if text is None:
        return reask(Reply(_("Please type the place as text.")))
    ctx.draft["venue"] = clean_text(text, maximum=MAX_VENUE, code=ErrorCode.MEETING_VENUE_INVALID)
    return goto(PlanState.START)


async def ask_start(ctx: Context) -> Sequence[Reply]:
    """Ask for the start time."""
    return [Reply(_("When does it start? Type the date and time, e.g. 12-05 14:00 or tomorrow 14:00."))]


async def receive_start(ctx: Context) -> Turn:
    """Keep a start time in the future."""
    if steps.typed_start(ctx) is None:
        return reask(Reply(steps.TIME_HINT))
    return goto(PlanState.END)


async def ask_end(ctx: Context) -> Sequence[Reply]:
    """Ask how long it lasts, with buttons, or the end time."""
    return [steps.duration_question(PLANNING)]


async def receive_end(ctx: Context) -> Turn:
    """Keep an end after the start."""
    start = datetime.fromisoformat(ctx.draft["start"])
    end = steps.chosen_end(ctx, PLANNING)
    if end is None:
        return reask(Reply(steps.TIME_HINT))
    check_end(start, end)
    ctx.draft["end"] = end.isoformat()
    return goto(PlanState.SEATS)


async def ask_seats(ctx: Context) -> Sequence[Reply]:
    """Ask for the number of seats."""
    buttons = tuple(Choice(str(n), pack(PLANNING, "seats", n)) for n in SEAT_CHOICES)
    return [Reply(_("How many people can come? Tap or type a number."), choices=(buttons,))]


async def receive_seats(ctx: Context) -> Turn:
    """Keep a valid number of seats."""
    callback = steps.pressed(ctx, PLANNING, "seats")
    seats = steps.int_arg(callback) if callback is not None else steps.typed_number(ctx)
    if seats is None:
        return reask(Reply(steps.NUMBER_HINT))
    check_capacity(seats, maximum=ctx.services.settings.consultation.max_capacity)
    ctx.draft["capacity"] = seats
    return goto(PlanState.DEADLINE)


async def ask_deadline(ctx: Context) -> Sequence[Reply]:
    """Ask until when people may sign up."""
    options = deadline_options(datetime.fromisoformat(ctx.draft["start"]), ctx.services.clock.now())
    choices = [(DEADLINE_LABELS[name], pack(PLANNING, "deadline", name)) for name in options]
    return [Reply(_("Until when may people sign up? Tap a button, or type a date and time."),
                  choices=choice_rows(choices))]


async def receive_deadline(ctx: Context) -> Turn:
    """Keep a deadline not after the start and not past."""
    start = datetime.fromisoformat(ctx.draft["start"])
    callback = steps.pressed(ctx, PLANNING, "deadline")
    options = deadline_options(start, ctx.services.clock.now())
    deadline = options.get(callback.arg()) if callback is not None else steps.typed_moment(ctx)
    if deadline is None:
        return reask(Reply(steps.TIME_HINT))
    check_deadline(deadline, start, ctx.services.clock.now())
    ctx.draft["deadline"] = deadline.isoformat()
    return goto(PlanState.CONFIRM)


def _plan(ctx: Context) -> MeetingPlan:
    draft = ctx.draft
    return MeetingPlan(
        level=MeetingLevel(draft["level"]), group_id=draft.get("group_id"), title=draft["title"],
        venue_type=VenueType(draft["venue_type"]), venue_name=draft["venue"],
        starts_at=datetime.fromisoformat(draft["start"]), ends_at=datetime.fromisoformat(draft["end"]),
        signup_deadline=datetime.fromisoformat(draft["deadline"]), capacity=int(draft["capacity"]),
        topic_ids=tuple(int(t) for t in draft.get("topics", [])))


async def ask_confirm(ctx: Context) -> Sequence[Reply]:
    """Show the whole meeting, to publish now or keep as a draft."""
    plan, zone = _plan(ctx), ctx.services.settings.timezone
    groups = {g.id: g.name for g in await ctx.services.meetings.groups(ctx.actor)}
    text = lines(
        _("Please check the meeting:"), _("🗓 {title}", title=plan.title),
        _("Level: {level}, for {scope}", level=labels.LEVELS[plan.level],
          scope=labels.scope(groups.get(plan.group_id) if plan.group_id else None)),
        _("Time: {when}", when=labels.between(plan.starts_at, plan.ends_at, zone)),
        _("Place: {venue} · {place}", venue=labels.VENUES[plan.venue_type], place=plan.venue_name),
        _("Seats: {capacity}. Sign up by {when}.", capacity=plan.capacity,
          when=labels.moment(plan.signup_deadline, zone)),
        _("Topics: {count}", count=len(plan.topic_ids)))
    buttons = ((Choice(_("📢 Publish now"), pack(PLANNING, "publish")),),
               (Choice(_("💾 Keep as a draft"), pack(PLANNING, "draft")),))
    return [Reply(text, choices=buttons)]


async def receive_confirm(ctx: Context) -> Turn:
    """Create the meeting; publish it and tell everyone in scope, or keep it as a draft."""
    callback = steps.pressed(ctx, PLANNING, "publish", "draft")
    if callback is None:
        return reask(Reply(_("Please tap one of the buttons.")))
    meeting = await ctx.services.meetings.create(ctx.actor, ctx.member.village_id, _plan(ctx))
    if callback.action == "draft":
        return finish(Reply(_("📝 Saved as a draft. Publish it from its page when ready.")),
                      await page_reply(ctx, meeting.id))
    publication = await ctx.services.meetings.publish(ctx.actor, meeting.id)
    page = await ctx.services.meetings.page(ctx.actor, meeting.id)
    told = await notices.publication(ctx.notify, publication, page.group_name, ctx.services.settings.timezone,
                                     publisher=ctx.member.id)
    return finish(Reply(_("📢 Published. {count} people are being told.", count=told)),
                  await page_reply(ctx, meeting.id))


def build() -> Flow:
    """Return the meeting-planning flow."""
    return Flow(
        name=PLANNING,
        begin=begin,
        commands=("newmeeting",),
        actions={"new": begin},
        states={
            PlanState.LEVEL: State(ask_level, receive_level),
            PlanState.SCOPE: State(ask_scope, receive_scope),
            PlanState.TITLE: State(ask_title, receive_title),
            PlanState.AGENDA: State(ask_agenda, receive_agenda),
            PlanState.VENUE_TYPE: State(ask_venue_type, receive_venue_type),
            PlanState.VENUE: State(ask_venue, receive_venue),
            PlanState.START: State(ask_start, receive_start),
            PlanState.END: State(ask_end, receive_end),
            PlanState.SEATS: State(ask_seats, receive_seats),
            PlanState.DEADLINE: State(ask_deadline, receive_deadline),
            PlanState.CONFIRM: State(ask_confirm, receive_confirm),
        },
        expired=_("Planning the meeting timed out; nothing was saved. Tap 🗓 Meetings to start again."),
    )

