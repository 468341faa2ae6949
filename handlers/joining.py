"""Joining (身份绑定): /start, share your phone, or open a household card's invite link.

Someone the roster does not know picks their village and types their name; the
village's cadres get the request with approve and reject buttons (handlers/approvals.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum, auto

from handlers import family
from handlers.callback_data import pack, unpack
from handlers.context import Context
from handlers.conversations import Flow, State, Turn, finish, goto, reask
from handlers.errors import error_reply
from handlers.events import EventKind
from handlers.keyboards import choice_rows, navigation, paged_rows
from handlers.replies import Choice, InputKind, InputRequest, Reply
from handlers.texts import _
from village.errors import VillageError
from village.family.models import CODE_PREFIX, looks_like_family_code
from village.invites import looks_like_invite_code
from village.joining import JoinRequest
from village.outbox import MessageKind
from village.people import Person
from village.phones import normalise_phone

FLOW = "start"
VILLAGES_PER_PAGE = 8

SHARE_PHONE = _("📱 Share my phone number")
NO_CARD = _("I have no card: ask to join")


class JoinState(Enum):
    """Where a newcomer is in joining."""

    CONTACT = auto()
    MEMBER = auto()
    VILLAGE = auto()
    NAME = auto()


async def begin(ctx: Context) -> Turn:
    """Greet; open an invite if /start carried one (or, without phone sharing, was typed); welcome back."""
    code = ctx.event.text.strip() if ctx.event.kind is EventKind.COMMAND or _typed_code(ctx) else ""
    if ctx.person is not None:
        return finish(Reply(_("Welcome back, {name}!", name=ctx.person.name)))
    if code.startswith(CODE_PREFIX):  # a relative's invite (亲情代办)
        return await family.open_code(ctx, code)
    if code:  # a wrong or expired code is said so, not silently dropped
        return await _open_invite(ctx, code)
    if ctx.event.kind is EventKind.CONTACT:
        return await receive_contact(ctx)
    if await ctx.services.store.join_requests.pending_of_identity(ctx.identity.id):
        return finish(Reply(_("Your request is waiting for the village office. We will tell you the result.")))
    if await ctx.services.family.pending_of(ctx.identity):
        return finish(Reply(_("Your request is waiting for the household head to confirm. We will tell you as "
                              "soon as they do.")), menu=False)
    return goto(JoinState.CONTACT)


async def _open_invite(ctx: Context, code: str) -> Turn:
    try:
        invitation = await ctx.services.joining.open_invite(code, ctx.identity.channel)
    except VillageError as error:
        return goto(JoinState.CONTACT, error_reply(error))
    ctx.draft["code"] = code
    intro = _("Welcome! This is the card of household {household} in {village}.",
              household=invitation.household.label, village=invitation.village.name)
    return goto(JoinState.MEMBER, Reply(intro))


async def ask_contact(ctx: Context) -> Sequence[Reply]:
    """Ask for the phone number with one big button; where phones cannot share it, for the card's code."""
    if not ctx.event.can_share_contact:
        return [Reply(_("Hello! This is Hemei, your village's assistant.\nTo begin, type the invite code printed "
                        "on your household's card, or scan the card's QR code."),
                      choices=((Choice(NO_CARD, pack(FLOW, "nocard")),),))]
    return [Reply(
        _("Hello! This is Hemei, your village's assistant.\nTo begin, press the button below to share your phone "
          "number, so we can find you in the village roster."),
        request=InputRequest(SHARE_PHONE, InputKind.CONTACT), navigation=navigation(),
    )]


async def receive_contact(ctx: Context) -> Turn:
    """Bind by the shared phone number, or start a join request when the roster lacks it."""
    contact = ctx.event.contact
    if contact is None and not ctx.event.can_share_contact:
        return await _receive_code(ctx)
    if contact is None:
        return reask(Reply(_("Please press the button 📱 Share my phone number below.")))
    person = await ctx.services.joining.join_by_contact(ctx.identity, contact.phone, is_own=contact.is_own)
    if person is not None:
        return await _welcome(ctx, person)
    ctx.draft["phone"] = normalise_phone(contact.phone)
    return goto(JoinState.VILLAGE, Reply(_("Your number is not in any village roster yet. You can ask to join.")))


async def _receive_code(ctx: Context) -> Turn:
    """Without phone sharing: open the typed invite code, or ask to join without a card."""
    callback = unpack(ctx.event.payload) if ctx.event.kind is EventKind.BUTTON else None
    if callback is not None and callback.action == "nocard":
        return goto(JoinState.VILLAGE)
    if _typed_code(ctx):
        code = ctx.event.text.strip()
        return await (family.open_code(ctx, code) if code.startswith(CODE_PREFIX) else _open_invite(ctx, code))
    return reask(Reply(_("Please type the invite code from your household's card (it starts with h).")))


def _typed_code(ctx: Context) -> bool:
    """Whether the person typed a household card's or a family invite's code where no phone can be shared."""
    text = ctx.event.text.strip()
    return (not ctx.event.can_share_contact and ctx.event.kind is EventKind.TEXT
            and (looks_like_invite_code(text) or looks_like_family_code(text)))


async def ask_member(ctx: Context) -> Sequence[Reply]:
    """List the household members who have not joined, to pick oneself."""
    invitation = await ctx.services.joining.open_invite(ctx.draft["code"], ctx.identity.channel)
    choices = [(m.name, pack(FLOW, "member", m.id)) for m in invitation.open_members]
    return [Reply(_("Which one are you? Tap your name."), choices=choice_rows(choices, per_row=2))]


async def receive_member(ctx: Context) -> Turn:
    """Bind to the chosen member (the service checks the card and the member again)."""
    callback = unpack(ctx.event.payload)
    if callback is None or callback.action != "member" or ctx.event.kind is not EventKind.BUTTON:
        return reask(Reply(_("Please tap your name in the list.")))
    person = await ctx.services.joining.join_by_invite(ctx.identity, ctx.draft["code"], callback.int_arg())
    return await _welcome(ctx, person)


async def ask_village(ctx: Context) -> Sequence[Reply]:
    """List the villages, a page at a time."""
    villages = await ctx.services.memberships.villages()
    rows = paged_rows([(v.name, pack(FLOW, "village", v.id)) for v in villages], FLOW, int(ctx.draft.get("page", 0)),
                      per_page=VILLAGES_PER_PAGE)
    return [Reply(_("Which village do you live in?"), choices=rows)]


async def receive_village(ctx: Context) -> Turn:
    """Remember the chosen village, or turn the page."""
    callback = unpack(ctx.event.payload) if ctx.event.kind is EventKind.BUTTON else None
    if callback is not None and callback.action == "page":
        ctx.draft["page"] = callback.int_arg()
        return reask()
    if callback is None or callback.action != "village":
        return reask(Reply(_("Please tap your village in the list.")))
    ctx.draft["village_id"] = callback.int_arg()
    return goto(JoinState.NAME)


async def ask_name(ctx: Context) -> Sequence[Reply]:
    """Ask for the newcomer's name."""
    return [Reply(_("Please type your full name, so the village office knows who you are."))]


async def receive_name(ctx: Context) -> Turn:
    """File the request and tell the village's cadres."""
    if ctx.event.kind is not EventKind.TEXT:
        return reask(Reply(_("Please type your name as text.")))
    request, cadres = await ctx.services.joining.request_to_join(
        ctx.identity, int(ctx.draft["village_id"]), ctx.event.text, ctx.draft.get("phone"))
    await ctx.notify.to_people([c.id for c in cadres], f"join-request:{request.id}", request_notice(request),
                               kind=MessageKind.JOIN_REQUESTED)
    return finish(Reply(_("Thank you, {name}. Your request has gone to the village office; we will tell you "
                          "as soon as they decide.", name=request.name)))


def request_notice(request: JoinRequest) -> Reply:
    """Return the message cadres get about a join request, with approve and reject buttons."""
    text = _("New request to join: {name}, phone {phone}.", name=request.name, phone=request.phone or "—")
    return Reply(text, choices=((Choice(_("✅ Approve"), pack("jr", "ok", request.id)),
                                 Choice(_("❌ Reject"), pack("jr", "no", request.id))),))


async def _welcome(ctx: Context, person: Person) -> Turn:
    ctx.person = person
    profile = await ctx.services.memberships.profile(person)
    return finish(Reply(_("Welcome, {name} of {village}! You have joined. Use the buttons below.",
                          name=person.name, village=profile.village.name)))


def build() -> Flow:
    """Return the joining flow."""
    return Flow(
        name=FLOW,
        begin=begin,
        commands=("start",),
        public=True,
        states={
            JoinState.CONTACT: State(ask_contact, receive_contact),
            JoinState.MEMBER: State(ask_member, receive_member),
            JoinState.VILLAGE: State(ask_village, receive_village),
            JoinState.NAME: State(ask_name, receive_name),
            **family.JOIN_STATES,
        },
        expired=_("Joining timed out. Send /start to begin again."),
    )

