"""和美宅基 (/homestead, cadres): a group's yearly result against six standards, or a later spot check."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum, auto

from handlers import glossary
from handlers.callback_data import pack
from handlers.context import Context
from handlers.convention.taps import argument, number, tapped
from handlers.convention.words import STANDARD_NAMES, standing_text
from handlers.conversations import Flow, MenuItem, MenuSection, State, Turn, finish, goto, reask, stay
from handlers.events import EventKind
from handlers.keyboards import choice_rows, navigation, paged_rows
from handlers.replies import Choice, Reply
from handlers.texts import _, lines
from village.convention.models import HomesteadKind
from village.convention.rules import Standard
from village.roles import Role

FLOW = "hs"
GROUPS_PER_PAGE = 8


class HomesteadState(Enum):
    """A cadre recording a 和美宅基 assessment."""

    GROUP = auto()
    STANDARDS = auto()


async def begin(ctx: Context) -> Turn:
    """Check the person is a cadre, then ask which group."""
    await ctx.services.homesteads.groups(ctx.actor, ctx.member.village_id)
    return goto(HomesteadState.GROUP)


async def ask_group(ctx: Context) -> Sequence[Reply]:
    """List the village's groups, a page at a time."""
    groups = await ctx.services.homesteads.groups(ctx.actor, ctx.member.village_id)
    rows = paged_rows([(g.name, pack(FLOW, "group", g.id)) for g in groups], FLOW, int(ctx.draft.get("page", 0)),
                      per_page=GROUPS_PER_PAGE, per_row=2)
    return [Reply(_("Which group are you assessing for the harmonious homesteads?"), choices=rows)]


async def receive_group(ctx: Context) -> Turn:
    """Remember the group (checked again on saving), or turn the page."""
    if (callback := tapped(ctx, "page")) is not None:
        ctx.draft["page"] = number(callback)
        return reask()
    callback = tapped(ctx, "group")
    if callback is None:
        return reask(Reply(_("Please tap a group.")))
    standing = await ctx.services.homesteads.view(ctx.actor, number(callback))
    ctx.draft.update(group=standing.group.id, failed=[], note="")
    return goto(HomesteadState.STANDARDS)


async def ask_standards(ctx: Context) -> Sequence[Reply]:
    """Show the group's standing and the six standards to mark."""
    return [await _standards(ctx, edit=False)]


async def receive_standards(ctx: Context) -> Turn:
    """Toggle a standard, take the typed note, or save as the yearly result or a spot check."""
    if (callback := tapped(ctx, "std")) is not None:
        standard = Standard(argument(callback)) if argument(callback) in set(Standard) else None
        if standard is None:
            return reask()
        failed = set(ctx.draft.get("failed", []))
        ctx.draft["failed"] = sorted(failed ^ {standard.value})
        return stay(await _standards(ctx, edit=True))
    if ctx.event.kind is EventKind.TEXT and ctx.event.text.strip():
        ctx.draft["note"] = ctx.event.text.strip()
        return reask()
    callback = tapped(ctx, "annual", "spot")
    if callback is None:
        return reask(Reply(_("Please tap a standard to mark it, or one of the save buttons.")))
    kind = HomesteadKind.ANNUAL if callback.action == "annual" else HomesteadKind.SPOT_CHECK
    failed = {Standard(v) for v in ctx.draft.get("failed", [])}
    note = str(ctx.draft.get("note", ""))
    standing = await ctx.services.homesteads.record(
        ctx.actor, ctx.member.village_id, int(ctx.draft["group"]), kind=kind,
        results={s: s not in failed for s in Standard}, notes=dict.fromkeys(failed, note))
    name = standing.group.name
    saved = (_("✅ Yearly result saved for {group}.", group=name) if kind is HomesteadKind.ANNUAL
             else _("✅ Spot check saved for {group}.", group=name))
    return finish(Reply(lines(saved, standing_text(standing))))


async def _standards(ctx: Context, *, edit: bool) -> Reply:
    standing = await ctx.services.homesteads.view(ctx.actor, int(ctx.draft["group"]))
    failed = set(ctx.draft.get("failed", []))
    note = str(ctx.draft.get("note", ""))
    text = lines(
        _("Harmonious homestead · {group}", group=standing.group.name),
        standing_text(standing),
        _("Tap a standard to mark it not met (❌); tap again to mark it met (✅). Type a note about what is "
          "not met."),
        _("Note: {note}", note=note) if note else None,
    )
    toggles = [(_("{mark} {standard}", mark="❌" if s.value in failed else "✅", standard=STANDARD_NAMES[s]),
                pack(FLOW, "std", s.value)) for s in Standard]
    saves = (Choice(_("💾 Save yearly result"), pack(FLOW, "annual")),
             Choice(_("🔍 Save spot check"), pack(FLOW, "spot")))
    buttons = (*choice_rows(toggles, per_row=2), saves)
    return Reply(text, choices=buttons, navigation=navigation() if edit else (), edit=edit)


def build() -> Flow:
    """Return the 和美宅基 flow."""
    return Flow(
        name=FLOW,
        begin=begin,
        commands=("homestead",),
        menu=MenuItem(glossary.HOMESTEAD, roles=frozenset({Role.CADRE}), order=65, section=MenuSection.TOOLS),
        states={HomesteadState.GROUP: State(ask_group, receive_group),
                HomesteadState.STANDARDS: State(ask_standards, receive_standards)},
    )
