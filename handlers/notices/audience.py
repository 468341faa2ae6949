"""Choosing whom a notice goes to: the village, grids, groups, roles, or a meeting's sign-ups."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from handlers import glossary
from handlers.callback_data import pack
from handlers.context import Context
from handlers.conversations import Turn, goto, reask, stay
from handlers.keyboards import choice_rows, navigation
from handlers.notices.drafts import FLOW, AnnounceState, int_arg, pressed
from handlers.replies import Choice, ChoiceRows, Reply
from handlers.settings import ROLE_NAMES
from handlers.texts import Content, _
from village.errors import ErrorCode, InvalidInputError
from village.notices import AUDIENCE_ROLES, Audience, AudienceKind

KIND_LABELS = {
    AudienceKind.VILLAGE: _("🏘 The whole village"),
    AudienceKind.GRIDS: _("🗺 Chosen grids"),
    AudienceKind.GROUPS: _("👥 Chosen groups"),
    AudienceKind.ROLES: _("🏷 By role (e.g. household heads)"),
    AudienceKind.MEETING: _("📅 Those signed up for a meeting"),
}
CHOOSE_AGAIN = _("Please tap one of the buttons above.")


async def ask_audience(ctx: Context) -> Sequence[Reply]:
    """Offer the kinds of audience."""
    rows = choice_rows([(KIND_LABELS[k], pack(FLOW, "aud", k.value)) for k in AudienceKind])
    return [Reply(_("Who should receive it?"), choices=rows)]


async def receive_audience(ctx: Context) -> Turn:
    """Remember the kind; the whole village needs no more choosing."""
    callback = pressed(ctx, "aud")
    if callback is None or callback.arg() not in set(AudienceKind):
        return reask(Reply(CHOOSE_AGAIN))
    kind = AudienceKind(callback.arg())
    if ctx.draft.get("kind") != kind.value:
        ctx.draft["picked"] = []
    ctx.draft["kind"] = kind.value
    return goto(AnnounceState.PREVIEW if kind is AudienceKind.VILLAGE else AnnounceState.PICK)


async def ask_pick(ctx: Context) -> Sequence[Reply]:
    """Show the grids, groups or roles to tick, or the meetings to choose from."""
    kind = AudienceKind(ctx.draft["kind"])
    if kind is AudienceKind.MEETING:
        return [await _meeting_question(ctx)]
    picked = {str(p) for p in ctx.draft.get("picked", [])}
    options = await _options(ctx, kind)
    toggles = [(_("☑️ {name}", name=label) if value in picked else _("⬜ {name}", name=label), pack(FLOW, "tog", value))
               for label, value in options]
    done = (Choice(_("✅ Done ({count} chosen)", count=len(picked)), pack(FLOW, "done")),)
    return [Reply(_("Tick everyone who should receive it, then tap Done."),
                  choices=(*choice_rows(toggles, per_row=3), done))]


async def receive_pick(ctx: Context) -> Turn:
    """Tick or untick one choice (editing the list in place), finish the choice, or take a meeting."""
    callback = pressed(ctx, "tog", "done", "mtg")
    if callback is None:
        return reask(Reply(CHOOSE_AGAIN))
    if callback.action == "done":
        if not ctx.draft.get("picked"):
            raise InvalidInputError(ErrorCode.AUDIENCE_EMPTY)
        return goto(AnnounceState.PREVIEW)
    if callback.action == "mtg":
        ctx.draft["picked"] = [int_arg(callback)]
        return goto(AnnounceState.PREVIEW)
    return await _toggle(ctx, callback.arg())


async def _toggle(ctx: Context, value: str) -> Turn:
    kind = AudienceKind(ctx.draft["kind"])
    if value not in {v for _label, v in await _options(ctx, kind)}:
        return reask(Reply(CHOOSE_AGAIN))
    picked = [str(p) for p in ctx.draft.get("picked", [])]
    ctx.draft["picked"] = [p for p in picked if p != value] if value in picked else [*picked, value]
    question = (await ask_pick(ctx))[-1]
    return stay(replace(question, navigation=navigation(), edit=True))


async def _options(ctx: Context, kind: AudienceKind) -> list[tuple[Content, str]]:
    if kind is AudienceKind.ROLES:
        return [(ROLE_NAMES[r], r.value) for r in AUDIENCE_ROLES]
    grids, groups = await ctx.services.notices.places(ctx.actor, ctx.member.village_id)
    places = grids if kind is AudienceKind.GRIDS else groups
    return [(p.name, str(p.id)) for p in places]


async def _meeting_question(ctx: Context) -> Reply:
    meetings = await ctx.services.notices.meeting_choices(ctx.actor, ctx.member.village_id)
    zone = ctx.services.settings.timezone
    rows: ChoiceRows = choice_rows([(f"{m.title} ({m.starts_at.astimezone(zone):%m-%d %H:%M})", pack(FLOW, "mtg", m.id))
                              for m in meetings])
    if not rows:
        return Reply(_("There are no meetings to choose from. Tap Back to choose other recipients."))
    return Reply(_("Which meeting's sign-ups should receive it?"), choices=rows)


async def describe(ctx: Context, audience: Audience) -> Content:
    """Return whom the audience names, for the preview."""
    if audience.kind is AudienceKind.VILLAGE:
        return _("To: everyone in the village")
    if audience.kind is AudienceKind.ROLES:
        return _("To: {names}", names=glossary.listing([ROLE_NAMES[r] for r in audience.roles]))
    if audience.kind is AudienceKind.MEETING:
        meetings = await ctx.services.notices.meeting_choices(ctx.actor, ctx.member.village_id)
        title = next((m.title for m in meetings if m.id in audience.ids), "—")
        return _("To: those signed up for {meeting}", meeting=title)
    options = await _options(ctx, audience.kind)
    chosen = glossary.listing([ctx.render(label) for label, value in options if int(value) in audience.ids])
    return _("To: {names}", names=chosen)
