"""The public board (/board, 公示牌): every household's face for the period, faces only, as a picture.

Members see their own group's board; the village's cadres and supervisors choose any group.
Without a font that draws Chinese, the board is sent as plain text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from enum import Enum, auto

from handlers import glossary
from handlers.callback_data import pack
from handlers.context import Context
from handlers.convention.pictures import BoardPicture, draw_board
from handlers.convention.taps import argument, number, tapped
from handlers.convention.words import FACE_EMOJI, FACE_NAMES, NOT_PUBLISHED_EMOJI, period_label, standing_text
from handlers.conversations import Flow, MenuItem, Need, State, Turn, finish, goto, reask
from handlers.keyboards import paged_rows
from handlers.replies import Attachment, AttachmentKind, Choice, Reply
from handlers.texts import Content, _, lines
from village.convention.rules import Face
from village.convention.scores import Board
from village.roles import Role

FLOW = "bd"
GROUPS_PER_PAGE = 8
NOT_PUBLISHED = _("not published")


class BoardState(Enum):
    """Choosing a group's board (village staff only)."""

    GROUP = auto()


async def begin(ctx: Context) -> Turn:
    """Show the person's own group board; let village staff choose a group."""
    if ctx.member.has_role(ctx.member.village_id, Role.CADRE, Role.SUPERVISOR):
        return goto(BoardState.GROUP)
    return finish(*_board_replies(ctx, await ctx.services.scores.board(ctx.actor)))


async def ask_group(ctx: Context) -> Sequence[Reply]:
    """List the village's groups, a page at a time."""
    groups = await ctx.services.scores.board_groups(ctx.actor)
    rows = paged_rows([(g.name, pack(FLOW, "group", g.id)) for g in groups], FLOW, int(ctx.draft.get("page", 0)),
                      per_page=GROUPS_PER_PAGE, per_row=2)
    return [Reply(_("Which group's board?"), choices=rows)]


async def receive_group(ctx: Context) -> Turn:
    """Show the chosen group's board, or turn the page."""
    if (callback := tapped(ctx, "page")) is not None:
        ctx.draft["page"] = number(callback)
        return reask()
    callback = tapped(ctx, "group")
    if callback is None:
        return reask(Reply(_("Please tap a group.")))
    return finish(*_board_replies(ctx, await ctx.services.scores.board(ctx.actor, number(callback))))


async def show(ctx: Context) -> Turn:
    """Show another period of a board (from the ◀ ▶ buttons; permission is checked again)."""
    callback = tapped(ctx, "show")
    board = await ctx.services.scores.board(ctx.actor, number(callback), argument(callback, 1))
    return finish(*_board_replies(ctx, board), menu=False)


def _board_replies(ctx: Context, board: Board) -> list[Reply]:
    if not board.published:
        return [Reply(lines(_("No results of {group} have been published yet.", group=board.group.name),
                            standing_text(board.standing)), choices=_period_buttons(board))]
    caption = lines(_title(board), _counts(board), standing_text(board.standing))
    if ctx.cjk_font is None:
        rows = [f"{row.household.label}  {FACE_EMOJI[row.face] if row.face else NOT_PUBLISHED_EMOJI}"
                for row in board.rows]
        return [Reply(lines(caption, "\n".join(rows)), choices=_period_buttons(board))]
    png = draw_board(_picture(ctx, board), ctx.cjk_font)
    return [Reply(caption, choices=_period_buttons(board),
                  attachment=Attachment(AttachmentKind.PHOTO, data=png, file_name="board.png"))]


def _title(board: Board) -> Content:
    return _("{group} · {period} public board", group=board.group.name, period=period_label(board.period))


def _counts(board: Board) -> Content:
    counts = Counter(row.face for row in board.rows)
    return " · ".join([*(f"{FACE_EMOJI[f]} {counts[f]}" for f in Face), f"{NOT_PUBLISHED_EMOJI} {counts[None]}"])


def _picture(ctx: Context, board: Board) -> BoardPicture:
    counts = Counter(row.face for row in board.rows)
    legend: list[tuple[Face | None, str]] = [(f, f"{ctx.render(FACE_NAMES[f])} {counts[f]}") for f in Face]
    if counts[None]:
        legend.append((None, f"{ctx.render(NOT_PUBLISHED)} {counts[None]}"))
    title = f"{board.village.name} {ctx.render(_title(board))}"
    return BoardPicture(title, ctx.render(standing_text(board.standing)),
                        [(row.household.label, row.face) for row in board.rows], legend)


def _period_buttons(board: Board) -> tuple[tuple[Choice, ...], ...]:
    row = []
    if board.earlier is not None:
        row.append(Choice(_("◀ {period}", period=period_label(board.earlier)),
                          pack(FLOW, "show", board.group.id, board.earlier.code)))
    if board.later is not None:
        row.append(Choice(_("{period} ▶", period=period_label(board.later)),
                          pack(FLOW, "show", board.group.id, board.later.code)))
    return (tuple(row),) if row else ()


def build() -> Flow:
    """Return the board flow."""
    return Flow(
        name=FLOW,
        begin=begin,
        commands=("board",),
        menu=MenuItem(glossary.GROUP_BOARD, order=25, needs=frozenset({Need.BOARD})),
        states={BoardState.GROUP: State(ask_group, receive_group)},
        actions={"show": show},
    )
