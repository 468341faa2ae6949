"""Cadres decide join requests: from the notification's buttons or the 入村申请 menu item."""

from __future__ import annotations

from handlers import glossary
from handlers.callback_data import unpack
from handlers.context import Context
from handlers.conversations import Flow, MenuItem, MenuSection, Turn, finish, stay
from handlers.joining import request_notice
from handlers.replies import Reply
from handlers.texts import _
from village.errors import PermissionDeniedError
from village.joining import JoinRequest
from village.outbox import MessageKind
from village.people import Identity
from village.roles import Role

FLOW = "jr"


async def begin(ctx: Context) -> Turn:
    """List the village's pending requests, each with its buttons."""
    pending = await ctx.services.joining.pending(ctx.actor, ctx.member.village_id)
    if not pending:
        return finish(Reply(_("There are no requests waiting.")))
    header = Reply(_("{count} request(s) waiting:", count=len(pending)))
    return finish(header, *(request_notice(r) for r in pending))


async def approve(ctx: Context) -> Turn:
    """Admit the requester; tell them, and update the cadre's message."""
    request, person = await ctx.services.joining.approve(ctx.actor, _request_id(ctx))
    welcome = _("Good news: the village office approved your request. Welcome, {name}!", name=person.name)
    await ctx.notify.to_identities(await _requester(ctx, request), f"join-request:{request.id}:approved",
                                   ctx.menu.reply(person, welcome), kind=MessageKind.JOIN_APPROVED)
    return stay(Reply(_("✅ Approved: {name}.", name=request.name), edit=True))


async def reject(ctx: Context) -> Turn:
    """Turn the request down; tell the requester politely."""
    request = await ctx.services.joining.reject(ctx.actor, _request_id(ctx))
    sorry = _("Sorry, the village office could not confirm your request. Please contact the village office.")
    await ctx.notify.to_identities(await _requester(ctx, request), f"join-request:{request.id}:rejected", Reply(sorry),
                                   kind=MessageKind.JOIN_REJECTED)
    return stay(Reply(_("❌ Rejected: {name}.", name=request.name), edit=True))


def _request_id(ctx: Context) -> int:
    callback = unpack(ctx.event.payload)
    if callback is None:
        raise PermissionDeniedError()
    return callback.int_arg()


async def _requester(ctx: Context, request: JoinRequest) -> list[Identity]:
    identity = await ctx.services.store.identities.get(request.identity_id)
    return [identity] if identity else []


def build() -> Flow:
    """Return the approvals flow."""
    return Flow(
        name=FLOW,
        begin=begin,
        menu=MenuItem(glossary.JOIN_REQUESTS, roles=frozenset({Role.CADRE}), order=70, section=MenuSection.TOOLS),
        actions={"ok": approve, "no": reject},
    )
