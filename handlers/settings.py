"""Small flows every person has: language (/lang), help (/help), my details, leaving (/leave)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum, auto

from handlers import glossary
from handlers.callback_data import pack, unpack
from handlers.context import Context
from handlers.conversations import Flow, MenuItem, State, Turn, finish, goto, reask
from handlers.events import EventKind
from handlers.replies import Button, Reply
from handlers.texts import Content, _, lines
from village.memberships import LOCALES
from village.roles import Role

LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}

ROLE_NAMES = {
    Role.RESIDENT: _("resident"),
    Role.HOUSEHOLD_HEAD: _("household head"),
    Role.REPRESENTATIVE: _("villagers' representative"),
    Role.GROUP_LEADER: _("group leader"),
    Role.GRID_WORKER: _("grid worker"),
    Role.CADRE: _("village cadre"),
    Role.SUPERVISOR: _("supervision committee member"),
    Role.ADMIN: _("administrator"),
    Role.FAMILY: _("family member (acting for the household)"),
}


class LanguageState(Enum):
    """Choosing a language."""

    CHOOSE = auto()


async def begin_language(ctx: Context) -> Turn:
    """Offer the languages."""
    return goto(LanguageState.CHOOSE)


async def ask_language(ctx: Context) -> Sequence[Reply]:
    """Show one button per language."""
    buttons = tuple(Button(LANGUAGE_NAMES[loc], pack("lang", "set", loc)) for loc in LOCALES)
    return [Reply(_("Please choose your language:"), buttons=(buttons,))]


async def receive_language(ctx: Context) -> Turn:
    """Store the choice; answer in the new language."""
    callback = unpack(ctx.event.payload) if ctx.event.kind is EventKind.BUTTON else None
    if callback is None or callback.action != "set" or not callback.args or callback.args[0] not in LOCALES:
        return reask()
    await ctx.services.memberships.set_locale(ctx.identity, callback.args[0])
    ctx.locale = callback.args[0]
    return finish(Reply(_("Language set to English.")))


async def show_help(ctx: Context) -> Turn:
    """Explain what the bot does and how to get around."""
    if ctx.person is None:
        return finish(Reply(_("Hemei helps you take part in village affairs from your phone.\nSend /start and "
                              "share your phone number to join. /lang changes the language.")))
    return finish(Reply(_("Use the big buttons at the bottom of the screen.\n⬅️ Back goes one step back, "
                          "❌ Cancel stops what you are doing, and /menu shows the menu again.\n"
                          "/lang changes the language; /leave unlinks this account.")))


async def show_me(ctx: Context) -> Turn:
    """Show the person's village, household and roles."""
    profile = await ctx.services.memberships.profile(ctx.member)
    roles = glossary.listing([ROLE_NAMES[r] for r in profile.person.role_names()]) or "—"
    household: Content = (_("Household: {label}", label=profile.household.label) if profile.household
                          else _("Household: not on the roster"))
    members = glossary.listing([m.name for m in profile.household_members])
    return finish(Reply(lines(
        _("Name: {name}", name=profile.person.name),
        _("Village: {village}", village=profile.village.name),
        household,
        _("Household members: {members}", members=members) if members else None,
        _("Roles: {roles}", roles=roles),
    )))


class LeaveState(Enum):
    """Confirming /leave."""

    CONFIRM = auto()


async def begin_leave(ctx: Context) -> Turn:
    """Ask for confirmation before unlinking."""
    return goto(LeaveState.CONFIRM)


async def ask_leave(ctx: Context) -> Sequence[Reply]:
    """Explain what leaving means."""
    return [Reply(_("Unlink this account from the village? You can join again later with /start."),
                  buttons=((Button(_("Yes, unlink"), pack("leave", "yes")),),))]


async def receive_leave(ctx: Context) -> Turn:
    """Unlink on confirmation."""
    callback = unpack(ctx.event.payload) if ctx.event.kind is EventKind.BUTTON else None
    if callback is None or callback.action != "yes":
        return reask()
    if ctx.person is not None and ctx.person.is_family:  # a relative leaving ends the family link too
        await ctx.services.family.leave(ctx.actor)
    else:
        await ctx.services.joining.leave(ctx.identity)
    ctx.person = None
    return finish(Reply(_("This account is no longer linked. Goodbye! Send /start to join again.")))


def build() -> list[Flow]:
    """Return the language, help, my-details and leave flows."""
    return [
        Flow(name="lang", begin=begin_language, commands=("lang", "language"), public=True,
             menu=MenuItem(glossary.LANGUAGE, order=90),
             states={LanguageState.CHOOSE: State(ask_language, receive_language)}),
        Flow(name="help", begin=show_help, commands=("help",), public=True,
             menu=MenuItem(glossary.HELP, order=95)),
        Flow(name="me", begin=show_me, commands=("me",), menu=MenuItem(glossary.MY_DETAILS, order=80)),
        Flow(name="leave", begin=begin_leave, commands=("leave",),
             states={LeaveState.CONFIRM: State(ask_leave, receive_leave)}),
    ]
