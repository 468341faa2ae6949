"""Looking at reports: my reports and rating (/myreports), the handlers' queue (/queue), the board (/open)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from enum import Enum, auto

from handlers import glossary
from handlers.callback_data import BadCallbackError, Callback, pack, parse_number, unpack
from handlers.context import Context
from handlers.conversations import Flow, MenuItem, MenuSection, State, Turn, finish, goto, reask, stay
from handlers.events import EventKind
from handlers.keyboards import choice_rows, pager_row
from handlers.replies import Choice, ChoiceRows, Reply
from handlers.reports import notices
from handlers.reports.cards import (
    HANDLE,
    MINE,
    RATING_CODES,
    STATUS,
    board_text,
    list_label,
    rating_buttons,
    reporter_card,
    show_button,
    title,
)
from handlers.reports.categories import category_name
from handlers.texts import Content, _, lines
from village.errors import InvalidInputError
from village.outbox import MessageKind
from village.reports import QueueFilter, Rating, StatusFilter
from village.roles import Role

QUEUE = "rpq"
PER_PAGE = 6
STATUS_FILTERS = list(StatusFilter)
FILTER_NAMES = {StatusFilter.OPEN: _("All open"), StatusFilter.ALL: _("All"),
                **{StatusFilter(status.value): label for status, label in STATUS.items()}}


def _callback(ctx: Context) -> Callback:
    callback = unpack(ctx.event.payload) if ctx.event.kind is EventKind.BUTTON else None
    if callback is None:
        raise InvalidInputError()
    return callback


def _int(callback: Callback, index: int) -> int:
    return callback.int_arg(index)


# --- my reports -------------------------------------------------------------

class RateState(Enum):
    """After rating: an optional comment."""

    COMMENT = auto()


async def begin_mine(ctx: Context) -> Turn:
    """List my reports and the ones I joined, each a button to its timeline."""
    return finish(await _mine_page(ctx, 0), menu=False)


async def mine_page(ctx: Context) -> Turn:
    """Turn the page of my reports."""
    return stay(await _mine_page(ctx, _int(_callback(ctx), 0), edit=True))


async def _mine_page(ctx: Context, page: int, *, edit: bool = False) -> Reply:
    reports = await ctx.services.reports.mine(ctx.actor)
    if not reports:
        return Reply(_("You have not reported any problem yet. Tap 📣 Report a problem to report one."))
    pages = -(-len(reports) // PER_PAGE)
    page = min(max(page, 0), pages - 1)
    now = ctx.services.clock.now()
    shown = reports[page * PER_PAGE:(page + 1) * PER_PAGE]
    rows = choice_rows([(list_label(r, now), pack(MINE, "show", r.id)) for r in shown])
    pager = pager_row(MINE, "pg", page, pages)
    return Reply(_("Your reports ({count}). Tap one to see its progress:", count=len(reports)),
                 choices=(*rows, pager) if pager else rows, edit=edit)


async def show_mine(ctx: Context) -> Turn:
    """Show one of my reports with its progress, and the rating buttons when it waits for my rating."""
    view = await ctx.services.reports.reporter_view(ctx.actor, _int(_callback(ctx), 0))
    text = reporter_card(view, ctx.services.settings.timezone)
    return stay(Reply(text, choices=rating_buttons(view.report) if view.can_rate else ()))


async def rate(ctx: Context) -> Turn:
    """Rate a resolution: 满意 / 基本满意 close it, 不满意 reopens it and alerts the assignee and secretary."""
    callback = _callback(ctx)
    rating = RATING_CODES.get(callback.args[1] if len(callback.args) > 1 else "")
    if rating is None:
        raise InvalidInputError()
    change = await ctx.services.reports.rate(ctx.actor, _int(callback, 0), rating)
    await notices.announce(ctx.notify, ctx.services, change, actor_id=ctx.member.id)
    if change.alert:
        text = _("⚠️ The reporter is not satisfied with the fix of {title}. It is back to being handled.",
                 title=title(change.report))
        await notices.alert(ctx.notify, change, text, f"report:{change.report.id}:reopen:{change.event.id}")
    ctx.draft = {"id": change.report.id, "alert": list(change.alert)}
    thanks = (_("Sorry it is not right yet. The report is being handled again, and the secretary has been told.")
              if rating is Rating.UNSATISFIED else _("Thank you for your rating!"))
    return goto(RateState.COMMENT, Reply(lines(title(change.report), thanks), edit=True))


async def ask_comment(ctx: Context) -> Sequence[Reply]:
    """Offer to add a few words to the rating."""
    return [Reply(_("Would you like to add a few words? Type them, or tap “No, thanks”."),
                  choices=((Choice(_("No, thanks"), pack(MINE, "skip")),),))]


async def receive_comment(ctx: Context) -> Turn:
    """Add the comment to the rating; on 不满意 pass it to the assignee and secretary."""
    callback = unpack(ctx.event.payload) if ctx.event.kind is EventKind.BUTTON else None
    if callback is not None and callback.action == "skip":
        return finish(Reply(_("All right. Thank you!")))
    if callback is not None and callback.action in MINE_ACTIONS:
        return await MINE_ACTIONS[callback.action](ctx)
    if ctx.event.kind is not EventKind.TEXT:
        return reask(Reply(_("Please type your comment, or tap “No, thanks”.")))
    report_id = int(ctx.draft["id"])
    event = await ctx.services.reports.rating_note(ctx.actor, report_id, ctx.event.text)
    report = await ctx.services.store.reports.get(report_id)
    if ctx.draft.get("alert") and report is not None:
        text = _("The reporter of {title} says: {note}", title=title(report), note=event.note)
        await ctx.notify.to_people(ctx.draft["alert"], f"report:{report_id}:rating-note:{event.id}",
                                   Reply(text, choices=show_button(report)), kind=MessageKind.REPORT_RATING_NOTE)
    return finish(Reply(_("Thank you, your words have been passed on.")))


MINE_ACTIONS = {"pg": mine_page, "show": show_mine, "rate": rate}


# --- the handlers' queue ------------------------------------------------------

def encode(wanted: QueueFilter, categories: Sequence[str]) -> str:
    """Pack a filter into button data: status.category.grid.overdue, as numbers."""
    category = categories.index(wanted.category) + 1 if wanted.category in categories else 0
    return f"{STATUS_FILTERS.index(wanted.status)}.{category}.{wanted.grid_id or 0}.{int(wanted.overdue)}"


def decode(raw: str, categories: Sequence[str]) -> QueueFilter:
    """Unpack a filter from button data; malformed data raises BadCallbackError."""
    parts = [parse_number(part) for part in raw.split(".")]
    if len(parts) != 4 or parts[0] >= len(STATUS_FILTERS) or parts[1] > len(categories):
        raise BadCallbackError(raw)
    status, category, grid, overdue = parts
    return QueueFilter(STATUS_FILTERS[status], categories[category - 1] if category else None, grid or None,
                       bool(overdue))


def _filter(ctx: Context, index: int) -> QueueFilter:
    return decode(_callback(ctx).arg(index), ctx.services.reports.policy.categories)


async def begin_queue(ctx: Context) -> Turn:
    """Show the first page of the queue: open reports, every category and grid."""
    return finish(await _queue_page(ctx, QueueFilter(), 0), menu=False)


async def queue_page(ctx: Context) -> Turn:
    """Show another page or another filter of the queue, in place."""
    return stay(await _queue_page(ctx, _filter(ctx, 1), _int(_callback(ctx), 0), edit=True))


async def _queue_page(ctx: Context, wanted: QueueFilter, page: int, *, edit: bool = False) -> Reply:
    categories = ctx.services.reports.policy.categories
    result = await ctx.services.reports.queue(ctx.actor, wanted, page, PER_PAGE)
    now = ctx.services.clock.now()
    code = encode(wanted, categories)
    items = choice_rows([(list_label(r, now, overdue=r.id in result.overdue_ids), pack(HANDLE, "card", r.id))
                         for r in result.reports])
    toggled = encode(replace(wanted, overdue=not wanted.overdue), categories)
    filters = (Choice(_("State ▾"), pack(QUEUE, "fs", code)), Choice(_("Kind ▾"), pack(QUEUE, "fc", code)),
               Choice(_("Grid ▾"), pack(QUEUE, "fg", code)),
               Choice(_("⏰ All") if wanted.overdue else _("⏰ Overdue"), pack(QUEUE, "pg", 0, toggled)))
    pager = pager_row(QUEUE, "pg", result.page, result.pages, code)
    rows: ChoiceRows = (*items, filters, *((pager,) if pager else ()))
    return Reply(await _queue_header(ctx, wanted, result.total), choices=rows, edit=edit)


async def _queue_header(ctx: Context, wanted: QueueFilter, total: int) -> Content:
    grids = {g.id: g.name for g in await ctx.services.reports.grids(ctx.actor)}
    kind = category_name(wanted.category) if wanted.category else _("every kind")
    shown: list[Content] = [FILTER_NAMES[wanted.status], kind,
                            grids.get(wanted.grid_id or 0, _("every grid"))]
    if wanted.overdue:
        shown.append(_("overdue only"))
    return lines(_("{tool}: {count} report(s). Tap one to handle it.", tool=glossary.REPORT_QUEUE, count=total),
                 _("Showing: {filters}", filters=" · ".join(ctx.render(s) for s in shown)))


async def choose_status(ctx: Context) -> Turn:
    """Offer the queue's status choices."""
    wanted = _filter(ctx, 0)
    categories = ctx.services.reports.policy.categories
    choices = [(FILTER_NAMES[s], pack(QUEUE, "pg", 0, encode(replace(wanted, status=s), categories)))
               for s in STATUS_FILTERS]
    return stay(Reply(_("Show reports in which state?"), choices=choice_rows(choices, per_row=2), edit=True))


async def choose_category(ctx: Context) -> Turn:
    """Offer the queue's category choices."""
    wanted = _filter(ctx, 0)
    categories = ctx.services.reports.policy.categories
    options: list[tuple[Content, str | None]] = [(_("Every kind"), None), *((category_name(c), c) for c in categories)]
    choices = [(label, pack(QUEUE, "pg", 0, encode(replace(wanted, category=value), categories)))
               for label, value in options]
    return stay(Reply(_("Show which kind of problem?"), choices=choice_rows(choices, per_row=2), edit=True))


async def choose_grid(ctx: Context) -> Turn:
    """Offer the queue's grid choices."""
    wanted = _filter(ctx, 0)
    categories = ctx.services.reports.policy.categories
    grids = await ctx.services.reports.grids(ctx.actor)
    options: list[tuple[Content, int | None]] = [(_("Every grid"), None), *((g.name, g.id) for g in grids)]
    choices = [(label, pack(QUEUE, "pg", 0, encode(replace(wanted, grid_id=value), categories)))
               for label, value in options]
    return stay(Reply(_("Show which grid?"), choices=choice_rows(choices, per_row=2), edit=True))


# --- the public board ---------------------------------------------------------

async def show_board(ctx: Context) -> Turn:
    """Show the village's open problems by category with their age, and the month's closed count (挂牌消项)."""
    board = await ctx.services.reports.board(ctx.actor)
    return finish(Reply(board_text(board)))


def build() -> list[Flow]:
    """Return the my-reports, queue and board flows."""
    staff = frozenset({Role.GRID_WORKER, Role.CADRE, Role.SUPERVISOR})
    return [
        Flow(name=MINE, begin=begin_mine, commands=("myreports",), actions=MINE_ACTIONS,
             menu=MenuItem(glossary.MY_REPORTS, order=12, section=MenuSection.MAIN),
             states={RateState.COMMENT: State(ask_comment, receive_comment)}),
        Flow(name=QUEUE, begin=begin_queue, commands=("queue",), menu=MenuItem(glossary.REPORT_QUEUE, roles=staff,
                                                                               order=22, section=MenuSection.TOOLS),
             actions={"pg": queue_page, "fs": choose_status, "fc": choose_category, "fg": choose_grid}),
        Flow(name="open", begin=show_board, commands=("open",), menu=MenuItem(glossary.OPEN_PROBLEMS, order=30)),
    ]
