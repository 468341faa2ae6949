"""/notices: every notice addressed to me, and my village's 村务公开, newest first, a page at a time."""

from __future__ import annotations

from handlers import glossary
from handlers.callback_data import pack, unpack
from handlers.context import Context
from handlers.conversations import Flow, MenuItem, MenuSection, Turn, finish, stay
from handlers.keyboards import pager_row
from handlers.notices.views import list_button_label, notice_reply, number
from handlers.replies import Choice, Reply
from handlers.texts import _
from village.errors import PermissionDeniedError
from village.notices import NoticePage

FLOW = "nt"


async def begin(ctx: Context) -> Turn:
    """Show the first page of the archive."""
    page = await ctx.services.notices.archive(ctx.actor, 0)
    return finish(_page_reply(ctx, page))


async def turn_page(ctx: Context) -> Turn:
    """Show another page in place of the list."""
    page = await ctx.services.notices.archive(ctx.actor, _arg(ctx))
    return stay(_page_reply(ctx, page, edit=True))


async def open_notice(ctx: Context) -> Turn:
    """Show one notice in full, with its photo or file (the service checks it may be read)."""
    notice = await ctx.services.notices.open(ctx.actor, _arg(ctx))
    village = await ctx.services.store.places.village(notice.village_id)
    zone = ctx.services.settings.timezone
    return stay(notice_reply(notice, village.name if village else "", ctx.locale, zone=zone))


def _page_reply(ctx: Context, page: NoticePage, *, edit: bool = False) -> Reply:
    if page.total == 0:
        return Reply(_("There are no notices for you yet."), edit=edit)
    zone = ctx.services.settings.timezone
    rows = [(Choice(list_button_label(n, zone), pack(FLOW, "open", n.id)),) for n in page.items]
    pager = pager_row(FLOW, "page", page.page, page.pages)
    text = _("📬 Notices for you ({count}), newest first. Tap one to read it.", count=number(page.total))
    return Reply(text, choices=(*rows, pager) if pager else tuple(rows), edit=edit)


def _arg(ctx: Context) -> int:
    """Return the button's number; refuse data that is not ours (a tampered client)."""
    callback = unpack(ctx.event.payload)
    if callback is None:
        raise PermissionDeniedError()
    return callback.int_arg()


def build() -> Flow:
    """Return the /notices flow."""
    return Flow(
        name=FLOW,
        begin=begin,
        commands=("notices",),
        menu=MenuItem(glossary.NOTICES, order=18, section=MenuSection.MAIN),
        actions={"page": turn_page, "open": open_notice},
    )
