"""The care list in chat: the home screen, the list, one person, and a cadre's add, change and remove."""

from __future__ import annotations

from collections.abc import Sequence

from handlers import glossary
from handlers.callback_data import pack
from handlers.care.labels import CATEGORIES, RHYTHMS, entry_line, last_visit_line, who
from handlers.care.states import FLOW, CareState
from handlers.context import Context
from handlers.conversations import Turn, finish, goto, reask
from handlers.keyboards import choice_rows
from handlers.pickers import SearchTexts, pick_rows, picked, search
from handlers.replies import Choice, Reply
from handlers.reports.filing import button
from handlers.texts import Content, _, lines
from village.care.access import VISITORS
from village.care.models import CareCategory, Rhythm
from village.reports import ResidentMatch

LIST = _("📋 Care list")
DUE = _("✍️ Log a visit")
PATROL = _("🚶 Log a patrol")
ADD = _("➕ Add a person")
CHANGE = _("🔁 Change category or rhythm")
REMOVE = _("🗑 Take off the list")
CONFIRM_REMOVE = _("🗑 Yes, take them off")
SHOWN = 20  # people listed in one message; the rest are counted


async def begin(ctx: Context) -> Turn:
    """Open the care tools; residents are refused (the service checks the roles)."""
    ctx.services.care.require_list(ctx.actor)
    return goto(CareState.HOME)


async def open_person(ctx: Context) -> Turn:
    """A person's button under a message: show them, if the actor may see them."""
    pressed = button(ctx)
    assert pressed is not None
    entry = await ctx.services.care.entry(ctx.actor, pressed.int_arg())
    ctx.draft = {"subject_id": entry.subject.id}
    return goto(CareState.PERSON)


async def ask_home(ctx: Context) -> Sequence[Reply]:
    """Offer the tools the actor has: the list, a visit, a patrol, adding a person."""
    care = ctx.services.care
    due = await care.due(ctx.actor)
    choices: list[tuple[Content, str]] = [(LIST, pack(FLOW, "list"))]
    if ctx.actor.has_role(ctx.member.village_id, *VISITORS):
        choices += [(DUE, pack(FLOW, "whom")), (PATROL, pack(FLOW, "patrol"))]
    if care.may_manage(ctx.actor):
        choices.append((ADD, pack(FLOW, "add")))
    text = _("💗 Care visits. Visits due now: {count}.", count=len(due))
    return [Reply(text, choices=choice_rows(choices, per_row=1))]


async def receive_home(ctx: Context) -> Turn:
    """Go to the chosen tool."""
    pressed = button(ctx)
    targets = {"list": CareState.LIST, "whom": CareState.WHOM, "patrol": CareState.PATROL_WHERE,
               "add": CareState.FIND}
    if pressed is None or pressed.action not in targets:
        return reask(Reply(_("Please tap one of the buttons.")))
    if pressed.action == "add" and not ctx.services.care.may_manage(ctx.actor):
        return reask(Reply(_("Only the village cadres change the care list.")))
    ctx.draft = {}
    return goto(targets[pressed.action])


async def ask_list(ctx: Context) -> Sequence[Reply]:
    """Show the people the actor may see, the most urgent first, each with a button."""
    entries = await ctx.services.care.entries(ctx.actor)
    if not entries:
        return [Reply(_("Nobody is on the care list yet."), choices=())]
    now, zone = ctx.services.clock.now(), ctx.services.settings.timezone
    rows: list[Content] = [_("The care list ({count}):", count=len(entries))]
    rows += [entry_line(e, now, zone) for e in entries[:SHOWN]]
    if len(entries) > SHOWN:
        rows.append(_("… and {count} more.", count=len(entries) - SHOWN))
    names = ((e.person.name, e.subject.id) for e in entries[:SHOWN])
    return [Reply(lines(*rows), choices=pick_rows(FLOW, "person", names, per_row=2))]


async def receive_list(ctx: Context) -> Turn:
    """Open the chosen person."""
    return await pick_entry(ctx, "person", CareState.PERSON)


async def ask_person(ctx: Context) -> Sequence[Reply]:
    """Show one person and what may be done: a visit; for cadres, a change or removal."""
    care = ctx.services.care
    entry = await care.entry(ctx.actor, int(ctx.draft["subject_id"]))
    zone = ctx.services.settings.timezone
    text = lines(entry_line(entry, ctx.services.clock.now(), zone), last_visit_line(entry, zone))
    choices: list[tuple[Content, str]] = []
    if ctx.actor.has_role(entry.subject.village_id, *VISITORS):
        choices.append((DUE, pack(FLOW, "visit", entry.subject.id)))
    if care.may_manage(ctx.actor):
        choices += [(CHANGE, pack(FLOW, "change")), (REMOVE, pack(FLOW, "remove"))]
    return [Reply(text, choices=choice_rows(choices, per_row=1))]


async def receive_person(ctx: Context) -> Turn:
    """Start a visit, a change or a removal."""
    pressed = button(ctx)
    if pressed is not None and pressed.action == "visit":
        return goto(CareState.HOW)
    if pressed is not None and pressed.action in ("change", "remove") and ctx.services.care.may_manage(ctx.actor):
        ctx.draft["changing"] = True
        return goto(CareState.CATEGORY if pressed.action == "change" else CareState.REMOVE)
    return reask(Reply(_("Please tap one of the buttons.")))


async def ask_find(ctx: Context) -> Sequence[Reply]:
    """Ask whom to put on the list."""
    return [Reply(_("Whom should be put on the care list? Type their name (or part of it)."))]


async def receive_find(ctx: Context) -> Turn:
    """Search the village's people by name, or take the chosen one."""
    person_id = picked(ctx, "pick")
    if person_id is not None:
        ctx.draft["person_id"] = person_id
        return goto(CareState.CATEGORY)
    return await search(ctx, lambda query: ctx.services.care.find_people(ctx.actor, query), _match,
                        flow=FLOW, action="pick", texts=_FIND)


_FIND = SearchTexts(type_it=_("Please type the person's name."),
                    no_match=_("Nobody in the village roster matches “{query}”."), tap=_("Tap the person:"))


def _match(match: ResidentMatch) -> tuple[Content, int]:
    return (_("{name} · {group} household {household}", name=match.person.name, group=match.group or "—",
              household=match.household or "—"), match.person.id)


async def pick_entry(ctx: Context, action: str, then: CareState) -> Turn:
    """Take the person tapped in a list of the care list's people, and go on to `then`."""
    subject_id = picked(ctx, action)
    if subject_id is None:
        return reask(Reply(_("Please tap a name.")))
    entry = await ctx.services.care.entry(ctx.actor, subject_id)
    ctx.draft["subject_id"] = entry.subject.id
    return goto(then)


async def ask_category(ctx: Context) -> Sequence[Reply]:
    """Offer the care categories."""
    choices = [(label, pack(FLOW, "cat", category.value)) for category, label in CATEGORIES.items()]
    return [Reply(_("Why do they need care? Tap one:"), choices=choice_rows(choices, per_row=2))]


async def receive_category(ctx: Context) -> Turn:
    """Remember the category."""
    pressed = button(ctx)
    if pressed is None or pressed.action != "cat" or pressed.arg() not in set(CareCategory):
        return reask(Reply(_("Please tap one of the categories.")))
    ctx.draft["category"] = pressed.arg()
    return goto(CareState.RHYTHM)


async def ask_rhythm(ctx: Context) -> Sequence[Reply]:
    """Offer the visit rhythms."""
    choices = [(label, pack(FLOW, "rhythm", rhythm.value)) for rhythm, label in RHYTHMS.items()]
    return [Reply(_("How often should they be visited?"), choices=choice_rows(choices, per_row=2))]


async def receive_rhythm(ctx: Context) -> Turn:
    """Put the person on the list, or change their entry."""
    pressed = button(ctx)
    if pressed is None or pressed.action != "rhythm" or pressed.arg() not in set(Rhythm):
        return reask(Reply(_("Please tap how often.")))
    care, category, rhythm = ctx.services.care, CareCategory(ctx.draft["category"]), Rhythm(pressed.arg())
    if ctx.draft.get("changing"):
        subject = await care.change(ctx.actor, int(ctx.draft["subject_id"]), category, rhythm)
    else:
        subject = await care.add(ctx.actor, int(ctx.draft["person_id"]), category, rhythm)
    entry = await care.entry(ctx.actor, subject.id)
    done = _("✅ {who} is on the care list: {category}, {rhythm}. The grid worker will be reminded of each visit.",
             who=who(entry), category=CATEGORIES[category], rhythm=RHYTHMS[rhythm])
    return finish(Reply(done))


async def ask_remove(ctx: Context) -> Sequence[Reply]:
    """Ask to confirm taking the person off the list."""
    entry = await ctx.services.care.entry(ctx.actor, int(ctx.draft["subject_id"]))
    return [Reply(_("Take {who} off the care list? Their visits are kept.", who=who(entry)),
                  choices=((Choice(CONFIRM_REMOVE, pack(FLOW, "gone")),),))]


async def receive_remove(ctx: Context) -> Turn:
    """Take the person off the list."""
    pressed = button(ctx)
    if pressed is None or pressed.action != "gone":
        return reask(Reply(_("Please tap {confirm}, or {back}.", confirm=CONFIRM_REMOVE, back=glossary.BACK)))
    entry = await ctx.services.care.entry(ctx.actor, int(ctx.draft["subject_id"]))
    await ctx.services.care.remove(ctx.actor, entry.subject.id)
    return finish(Reply(_("🗑 {who} is no longer on the care list.", who=who(entry))))
