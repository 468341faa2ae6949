"""Re-inspection of a fix (整改复查): the assessor's buttons under a household's report, any time."""

from __future__ import annotations

from handlers.context import Context
from handlers.convention.notices import INSPECT_FLOW, fix_inspected
from handlers.convention.taps import number, tapped
from handlers.convention.words import clause_name
from handlers.conversations import Flow, Turn, finish, stay
from handlers.replies import Reply
from handlers.texts import _
from village.outbox import MessageKind

FLOW = INSPECT_FLOW


async def begin(ctx: Context) -> Turn:
    """There is nothing to start: inspections come from the report's buttons."""
    return finish()


async def passed(ctx: Context) -> Turn:
    """Record the fix as done and tell the household."""
    return await _inspect(ctx, fixed=True)


async def failed(ctx: Context) -> Turn:
    """Record the fix as not done and tell the household."""
    return await _inspect(ctx, fixed=False)


async def _inspect(ctx: Context, *, fixed: bool) -> Turn:
    news = await ctx.services.rectifications.inspect(ctx.actor, number(tapped(ctx, "ok", "bad")), fixed=fixed)
    await ctx.notify.to_people([p.id for p in news.recipients],
                               f"rectification:{news.task.id}:inspected:{news.task.inspected_at}",
                               fix_inspected(news), kind=MessageKind.RECTIFICATION_INSPECTED)
    clause, household = clause_name(news.task.clause_name), news.household.label
    done = (_("Recorded: “{clause}” of household {household} is put right. The household has been told.",
              clause=clause, household=household) if fixed
            else _("Recorded: “{clause}” of household {household} is not right yet. The household has been told.",
                   clause=clause, household=household))
    return stay(Reply(done))


def build() -> Flow:
    """Return the inspection flow (buttons only)."""
    return Flow(name=FLOW, begin=begin, actions={"ok": passed, "bad": failed})
