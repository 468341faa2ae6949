"""The family link (亲情代办) in chat: the head invites and manages, the relative asks to link and acts.

The relative's side of joining (/start fam-<code>, name, relation) runs inside the joining flow, whose
states it adds (`JOIN_STATES`); the head's screen and the confirm/decline/remove buttons are the `fam` flow.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from enum import Enum, auto

from handlers import glossary
from handlers.callback_data import pack, unpack
from handlers.context import Context
from handlers.conversations import Flow, MenuItem, MenuSection, Need, State, Turn, finish, goto, reask, stay
from handlers.errors import error_reply
from handlers.events import EventKind
from handlers.family_labels import RELATIONS
from handlers.keyboards import choice_rows
from handlers.pickers import SearchTexts, picked, search
from handlers.replies import Attachment, AttachmentKind, Choice, Reply
from handlers.texts import Content, Text, _, lines
from village.errors import ConflictError, ErrorCode, PermissionDeniedError, VillageError
from village.family.models import FamilyLink, HouseholdMatch, LinkStatus, Relation
from village.joining import clean_name
from village.outbox import MessageKind
from village.people import Identity, Person

FLOW = "fam"
JOIN_FLOW = "start"  # the joining flow, whose buttons the relative presses while joining

INVITE = _("➕ Invite a family member")
OWN = _("🏠 My household")
CONFIRM, DECLINE, REMOVE, LEAVE = _("✅ Confirm"), _("❌ Decline"), _("🗑 Remove"), _("🚪 Leave the household")


class FamilyState(Enum):
    """Where a cadre is in picking a household to act for."""

    HOUSEHOLD = auto()


class FamilyJoinState(Enum):
    """Where a relative is in asking to link to a household."""

    FAMILY_NAME = auto()
    FAMILY_RELATION = auto()


# --- the relative joins: /start fam-<code> ---

async def open_code(ctx: Context, argument: str) -> Turn:
    """Open a family invite: say which household invites the relative, then ask their name."""
    try:
        opened = await ctx.services.family.open_invite(ctx.identity, argument)
    except VillageError as error:
        return finish(error_reply(error), menu=False)
    ctx.draft["family_code"] = argument
    head = await ctx.services.family_reach.household_name(opened.household.id)
    return goto(FamilyJoinState.FAMILY_NAME, Reply(_(
        "Welcome! The {name} household invites you as a family member: you will receive the "
        "household's messages and can act for it.", name=head)))


async def ask_name(ctx: Context) -> Sequence[Reply]:
    """Ask the relative's name."""
    return [Reply(_("Please type your full name, so the household knows who you are."))]


async def receive_name(ctx: Context) -> Turn:
    """Keep the name and ask the relation."""
    name = clean_name(ctx.event.text) if ctx.event.kind is EventKind.TEXT else None
    if name is None:
        return reask(Reply(_("Please type your real name, in words only (at most 20 characters).")))
    ctx.draft["family_name"] = name
    return goto(FamilyJoinState.FAMILY_RELATION)


async def ask_relation(ctx: Context) -> Sequence[Reply]:
    """Ask how the relative is related to the household."""
    choices = [(label, pack(JOIN_FLOW, "rel", relation.value)) for relation, label in RELATIONS.items()]
    return [Reply(_("How are you related to the household?"), choices=choice_rows(choices, per_row=2))]


async def receive_relation(ctx: Context) -> Turn:
    """File the link and ask the household head to confirm it."""
    callback = unpack(ctx.event.payload) if ctx.event.kind is EventKind.BUTTON else None
    relation = _relation(callback.args[0] if callback and callback.action == "rel" and callback.args else "")
    if relation is None:
        return reask(Reply(_("Please tap how you are related in the list.")))
    link, deciders = await ctx.services.family.ask(ctx.identity, ctx.draft["family_code"],
                                                   ctx.draft["family_name"], relation)
    members = [p.id for p in deciders if p.household_id == link.household_id]
    cadres = [p.id for p in deciders if p.household_id != link.household_id]  # no head has joined
    await ctx.notify.to_people(members, f"family:{link.id}:ask", confirmation(link),
                               kind=MessageKind.JOIN_REQUESTED)
    if cadres:
        household = await ctx.services.family_reach.household_name(link.household_id)
        await ctx.notify.to_people(cadres, f"family:{link.id}:ask", confirmation(link, household),
                                   kind=MessageKind.JOIN_REQUESTED)
    return finish(Reply(_("Thank you, {name}. The household head has been asked to confirm; we will tell you "
                          "as soon as they do.", name=link.name)), menu=False)


def _relation(value: str) -> Relation | None:
    try:
        return Relation(value)
    except ValueError:
        return None


def confirmation(link: FamilyLink, household: str | None = None) -> Reply:
    """Return the prompt to confirm a relative: to the head, or naming the `household` to a cadre."""
    text = _("{name} ({relation}) asks to join your household as a family member. They would "
             "receive the household's messages and could act for it. Confirm?",
             name=link.name, relation=RELATIONS[link.relation]) if household is None else _(
        "{name} ({relation}) asks to join the {household} household as a family member. They would receive "
        "the household's messages and could act for it. Confirm for the household?",
        name=link.name, relation=RELATIONS[link.relation], household=household)
    return Reply(text, choices=((Choice(CONFIRM, pack(FLOW, "ok", link.id)),
                                 Choice(DECLINE, pack(FLOW, "no", link.id))),))


JOIN_STATES: dict[Enum, State] = {
    FamilyJoinState.FAMILY_NAME: State(ask_name, receive_name, accepts=frozenset({EventKind.TEXT})),
    FamilyJoinState.FAMILY_RELATION: State(ask_relation, receive_relation),
}


# --- the household's screen and buttons ---

async def begin(ctx: Context) -> Turn:
    """Show a relative what they can do; the head the linked members; a cadre a household picker."""
    person = ctx.member
    if person.is_family:
        return finish(await _relative_screen(ctx, person))
    if ctx.services.family.acts_for_households(ctx.actor):
        return goto(FamilyState.HOUSEHOLD)
    household_id = person.household_id
    if household_id is None or not await ctx.services.family.may_manage(ctx.actor, household_id):
        return finish(Reply(_("Only the household head can invite family members. Please ask them.")))
    return finish(*await _head_screen(ctx, household_id))


async def ask_household(ctx: Context) -> Sequence[Reply]:
    """Ask a cadre which household to act for (their own one tap away when they head one)."""
    own = ctx.member.household_id
    mine = own is not None and await ctx.services.family.may_manage(ctx.actor, own)
    return [Reply(_("Which household? Type a member's name or the household number."),
                  choices=((Choice(OWN, pack(FLOW, "hh", own)),),) if mine else ())]


async def receive_household(ctx: Context) -> Turn:
    """Search the village's households, or show the chosen one's family members."""
    household_id = picked(ctx, "hh")
    if household_id is not None:
        return finish(*await _head_screen(ctx, household_id))
    return await search(ctx, lambda query: ctx.services.family.find_households(ctx.actor, query), _match,
                        flow=FLOW, action="hh", texts=_FIND)


_FIND = SearchTexts(type_it=_("Please type a name or a household number."),
                    no_match=_("No household of the village matches “{query}”."), tap=_("Tap the household:"))


def _match(match: HouseholdMatch) -> tuple[Content, int]:
    return (_("Household {household} · {members}", household=match.label, members="、".join(match.members) or "—"),
            match.household_id)


async def _relative_screen(ctx: Context, person: Person) -> Reply:
    link = await ctx.services.family.link_of(person)
    name = await ctx.services.family_reach.household_name(person.household_id or 0)
    relation: Content = RELATIONS[link.relation] if link else ""
    return Reply(lines(
        _("You are linked to the {name} household as its {relation}.", name=name, relation=relation),
        _("For the household you receive its scores, meeting invitations, notices and report updates, and you "
          "can report a problem, appeal a score, sign up for meetings, and propose or support topics."),
    ), choices=((Choice(LEAVE, pack(FLOW, "leave")),),))


async def _head_screen(ctx: Context, household_id: int) -> list[Reply]:
    links = await ctx.services.family.links(ctx.actor, household_id)
    name = await ctx.services.family_reach.household_name(household_id)
    if household_id == ctx.member.household_id:
        title = _("Family members linked to your household: {count}.", count=len(links))
    else:
        title = _("Family members linked to the {name} household: {count}.", name=name, count=len(links))
    header = Reply(title, choices=((Choice(INVITE, pack(FLOW, "inv", household_id)),),))
    household = None if household_id == ctx.member.household_id else name
    return [header, *(_link_card(link, household) for link in links)]


def _link_card(link: FamilyLink, household: str | None) -> Reply:
    if link.status is LinkStatus.PENDING:
        return confirmation(link, household)
    return Reply(_("{name} ({relation})", name=link.name, relation=RELATIONS[link.relation]),
                 choices=((Choice(REMOVE, pack(FLOW, "rm", link.id)),),))


async def invite(ctx: Context) -> Turn:
    """Create a one-use code and show how the relative opens it."""
    created = await ctx.services.family.create_invite(ctx.actor, _int_arg(ctx))
    settings = ctx.services.settings
    hours = int(settings.family.invite_hours)
    qr = await _wechat_qr(ctx, created.start_argument, hours) if settings.wechat_enabled else None
    return stay(Reply(lines(
        *_how_to_open(settings.bot_username, created.start_argument),
        _("On WeChat, they send this code to our account instead: {code}", code=created.start_argument)
        if settings.wechat_enabled else None,
        _("Or they scan the QR code in the picture with WeChat.") if qr else None,
        _("The code works once, for {hours} hours.", hours=hours),
    ), attachment=qr))


async def _wechat_qr(ctx: Context, argument: str, hours: int) -> Attachment | None:
    """Return the picture of a WeChat QR code that opens the invite (its scene is `fam-<code>`), if one was made.

    Shown on both channels: a head on Telegram may forward it to a son or daughter who lives in WeChat.
    """
    if ctx.qr_pictures is None:
        return None
    picture = await ctx.qr_pictures.picture(argument, timedelta(hours=hours))
    return Attachment(AttachmentKind.PHOTO, data=picture, file_name="family-invite.png") if picture else None


def _how_to_open(bot_username: str, argument: str) -> tuple[Content, ...]:
    """Return a t.me deep link when the bot's username is configured, else the /start line to type."""
    if bot_username:
        return (_("Send this link to your family member. They open it on their own phone:"),
                f"https://t.me/{bot_username}?start={argument}")
    return (_("Send this to your family member. They open Hemei on their own phone and send:"),
            f"/start {argument}")


async def confirm(ctx: Context) -> Turn:
    """Confirm a relative; welcome them with their menu."""
    link, person = await ctx.services.family.confirm(ctx.actor, _int_arg(ctx))
    name = await ctx.services.family_reach.household_name(link.household_id)
    welcome = _("Good news: you are now linked to the {name} household. Use the buttons below.", name=name)
    await ctx.notify.to_identities(await _account(ctx, link), f"family:{link.id}:confirmed",
                                   ctx.menu.reply(person, welcome), kind=MessageKind.JOIN_APPROVED)
    return stay(Reply(_("✅ Confirmed: {name}.", name=link.name), edit=True))


async def decline(ctx: Context) -> Turn:
    """Decline a relative's request; tell them politely."""
    link = await ctx.services.family.link(ctx.actor, _int_arg(ctx))
    if link.status is not LinkStatus.PENDING:
        raise ConflictError(ErrorCode.FAMILY_LINK_CLOSED)
    await ctx.services.family.remove(ctx.actor, link.id)
    await _tell_removed(ctx, link, _("Sorry, the household did not confirm your request."))
    return stay(Reply(_("❌ Declined: {name}.", name=link.name), edit=True))


async def remove(ctx: Context) -> Turn:
    """Remove a linked relative; they receive nothing more."""
    link = await ctx.services.family.remove(ctx.actor, _int_arg(ctx))
    await _tell_removed(ctx, link, _("You are no longer linked to the household. Thank you for your help."))
    return stay(Reply(_("🗑 Removed: {name}.", name=link.name), edit=True))


async def leave(ctx: Context) -> Turn:
    """The relative ends their own link."""
    link = await ctx.services.family.leave(ctx.actor)
    ctx.person = None
    return finish(Reply(_("You have left the household, {name}. Send /start to begin again.", name=link.name)),
                  menu=False)


async def _tell_removed(ctx: Context, link: FamilyLink, text: Text) -> None:
    await ctx.notify.to_identities(await _account(ctx, link), f"family:{link.id}:removed", Reply(text),
                                   kind=MessageKind.JOIN_REJECTED)


async def _account(ctx: Context, link: FamilyLink) -> list[Identity]:
    identity = await ctx.services.store.identities.get(link.identity_id)
    return [identity] if identity else []


def _int_arg(ctx: Context) -> int:
    callback = unpack(ctx.event.payload)
    if callback is None:
        raise PermissionDeniedError()
    return callback.int_arg()


def build() -> Flow:
    """Return the family-link flow (the relative's joining states live in the joining flow)."""
    return Flow(
        name=FLOW,
        begin=begin,
        states={FamilyState.HOUSEHOLD: State(ask_household, receive_household)},
        commands=("family",),
        menu=MenuItem(glossary.FAMILY, order=75, section=MenuSection.MORE, needs=frozenset({Need.FAMILY})),
        actions={"inv": invite, "ok": confirm, "no": decline, "rm": remove, "leave": leave},
    )
