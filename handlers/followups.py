"""☎️ To contact (待联系): the cadres' list of people an important message did not reach, and its digest lines.

Who is on it and who may see or mark it is decided in village/followups.py; this module only shows it.
Each person is one message with the phone from the roster and a ✅ Contacted button (cadres only).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from handlers import glossary
from handlers.callback_data import pack, unpack
from handlers.context import Context
from handlers.conversations import Flow, MenuItem, MenuSection, Turn, finish, stay
from handlers.digest import DigestSection, number
from handlers.replies import Choice, Reply
from handlers.texts import Text, _, lines
from village.errors import PermissionDeniedError
from village.followups import FollowUp, FollowUpReason
from village.outbox import MessageKind
from village.phones import dialled
from village.places import Village
from village.roles import Role
from village.services import Services

FLOW = "fu"
CONTACTED = _("✅ Contacted")
SHOWN_IN_DIGEST = 5  # names in the digest; the list in 🧰 Work tools has them all

# What a message was about, by the first part of its kind (`report.status_changed` → report):
# a cadre calling needs the subject, not our message names.
SUBJECTS: Mapping[str, Text] = {
    "report": _("a problem report"),
    "score": _("the household's convention score"),
    "assessment": _("an assessment to do"),
    "reward": _("the household's reward"),
    "appeal": _("an appeal"),
    "rectification": _("a rectification"),
    "meeting": _("a meeting"),
    "topic": _("a topic"),
    "resolution": _("a meeting's resolution"),
    "result": _("a meeting's result"),
    "matter": _("a village matter"),
    "notice": _("a village notice"),
    "digest": _("the monthly digest"),
    "join": _("a request to join"),
    "conversation": _("an unfinished conversation"),
    "care": _("care visits"),
    "reply": _("a reply to them"),
    "parked": _("several messages kept for them"),
    "unclassified": _("a message"),
}
REASONS: Mapping[FollowUpReason, Text] = {
    FollowUpReason.UNREACHABLE: _("cannot be reached on Hemei (blocked it or unfollowed)"),
    FollowUpReason.FAILED: _("could not be sent"),
    FollowUpReason.WAITING: _("waiting, as they have not written for a long time"),
    FollowUpReason.NOT_JOINED: _("has not joined Hemei"),
}


def subject(kind: MessageKind) -> Text:
    """Return what a message of `kind` was about."""
    return SUBJECTS[kind.value.split(".", 1)[0]]


async def begin(ctx: Context) -> Turn:
    """Show the village's list, one message per person, oldest first."""
    entries = await ctx.services.follow_ups.entries(ctx.actor)
    if not entries:
        return finish(Reply(_("✅ Nobody to contact: every important message has reached its person.")))
    marks = ctx.services.follow_ups.may_mark(ctx.actor)
    zone = ctx.services.settings.timezone
    header = Reply(_("☎️ {count} people did not get an important message. Please call or visit them:",
                     count=len(entries)))
    return finish(header, *(card(entry, zone, marks=marks) for entry in entries))


def card(entry: FollowUp, zone: ZoneInfo, *, marks: bool) -> Reply:
    """Return one person's entry: who, how to reach them, what they missed and since when."""
    person = entry.person
    subjects = list(dict.fromkeys(subject(m.kind) for m in entry.messages))
    reasons = list(dict.fromkeys(REASONS[m.reason] for m in entry.messages))
    text = lines(
        _("👤 {name} ({household})", name=person.name, household=person.household or "—"),
        _("Phone: {phone}", phone=dialled(person.phone)) if person.phone else _("No phone on the roster"),
        _("Missed: {subjects}", subjects=glossary.listing(subjects)),
        _("Why: {reasons}", reasons=glossary.listing(reasons)),
        _("Since: {when}", when=local(entry.since, zone)),
    )
    choices = ((Choice(CONTACTED, pack(FLOW, "done", person.person_id)),),) if marks else ()
    return Reply(text, choices=choices)


async def mark_contacted(ctx: Context) -> Turn:
    """Take the person off the list: the cadre reached them (audited)."""
    callback = unpack(ctx.event.payload)
    if callback is None:
        raise PermissionDeniedError()
    entry = await ctx.services.follow_ups.mark_contacted(ctx.actor, callback.int_arg())
    return stay(Reply(_("✅ Marked as contacted: {name}.", name=entry.person.name), edit=True))


async def follow_ups_section(services: Services, village: Village, year: int, month: int) -> DigestSection:
    """Return the list as it stands: how many people to contact, and the first names."""
    entries = await services.follow_ups.of_village(village.id)
    names = [e.person.name for e in entries[:SHOWN_IN_DIGEST]]
    return DigestSection(_("To contact"), (
        _("People an important message did not reach: {count}", count=number(len(entries))),
        _("First on the list: {names}", names=glossary.listing(names)) if names else _("Nobody waits for a call."),
    ))


def local(moment: datetime, zone: ZoneInfo) -> str:
    """Return a local date and time, e.g. 12-06 20:30."""
    return moment.astimezone(zone).strftime("%m-%d %H:%M")


def build() -> Flow:
    """Return the follow-up list's flow."""
    return Flow(
        name=FLOW,
        begin=begin,
        menu=MenuItem(glossary.TO_CONTACT, roles=frozenset({Role.CADRE, Role.SUPERVISOR}), order=75,
                      section=MenuSection.TOOLS),
        actions={"list": begin, "done": mark_contacted},
    )
