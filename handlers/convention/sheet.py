"""The deduction sheet: one household's clauses as buttons; tap to deduct, type the reason, send a photo.

Used for assessing (/assess) and for revising a result (a revision, or deciding an appeal).
The draft holds the deductions by clause id (as text: the draft is JSON), their reasons,
the evidence photo and the last text typed (a revision's reason).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from handlers.callback_data import pack
from handlers.context import Context
from handlers.convention.taps import number, tapped
from handlers.convention.words import clause_name, face_text, points_cut
from handlers.conversations import Turn, reask, stay
from handlers.events import EventKind
from handlers.keyboards import choice_rows, nav_row
from handlers.replies import Button, Reply
from handlers.texts import Content, Text, _, lines
from village.convention.models import Assessment, Convention
from village.media import MediaKind, StoredMedia

CUTS, REASONS, PHOTO, NOTE, TOUCHED = "cuts", "why", "photo", "note", "touched"

# A menu button pressed mid-sheet is no reason: the engine answers it with this (the states' hint).
UNFINISHED = _("Please finish this household first: tap 💾 Save, or ❌ Cancel.")

HOW_TO = _("Tap a clause to deduct points (tap again for more; after the most it goes back to none). "
           "Type the reason as a message. You may also send a photo as evidence.")


def load(ctx: Context, result: Assessment | None) -> None:
    """Start the sheet from a saved result, or empty."""
    ctx.draft[CUTS] = {str(d.clause_id): d.points for d in result.deductions} if result else {}
    ctx.draft[REASONS] = {str(d.clause_id): d.reason for d in result.deductions} if result else {}
    ctx.draft[PHOTO] = None
    ctx.draft[NOTE] = ""
    ctx.draft[TOUCHED] = []


def cuts(ctx: Context) -> dict[int, int]:
    """Return the deductions by clause id."""
    return {int(k): int(v) for k, v in ctx.draft.get(CUTS, {}).items() if int(v)}


def reasons(ctx: Context) -> dict[int, str]:
    """Return the reasons by clause id."""
    return {int(k): str(v) for k, v in ctx.draft.get(REASONS, {}).items()}


def photo(ctx: Context) -> StoredMedia | None:
    """Return the evidence photo sent during this sheet."""
    kept: dict[str, Any] | None = ctx.draft.get(PHOTO)
    return StoredMedia(int(kept["media_id"]), MediaKind.PHOTO, 0) if kept else None


def note(ctx: Context) -> str:
    """Return the last text typed on the sheet."""
    return str(ctx.draft.get(NOTE, ""))


def unexplained(ctx: Context, convention: Convention) -> list[str]:
    """Return the names of clauses with a deduction but no reason yet."""
    why = reasons(ctx)
    return [c.name for c in convention.clauses if cuts(ctx).get(c.id) and not why.get(c.id, "").strip()]


def sheet_reply(ctx: Context, convention: Convention, flow: str, *, heading: Content, extra: Content | None = None,
                save_label: Text, edit: bool = False) -> Reply:
    """Return the sheet: the total and face so far, the deductions, and a button per clause."""
    points = cuts(ctx)
    total, face = convention.score(points)
    why = reasons(ctx)
    deductions = [_("· {clause} {points}: {reason}", clause=clause_name(c.name), points=points_cut(points[c.id]),
                    reason=why.get(c.id) or _("(reason still needed)")) for c in convention.clauses if c.id in points]
    text = lines(
        heading,
        _("Total: {total} of {full} points · {face}", total=total, full=convention.full_marks, face=face_text(face)),
        lines(_("Deductions:"), *deductions) if deductions else _("No deductions: full marks."),
        _("📷 A photo is attached.") if ctx.draft.get(PHOTO) else None,
        extra,
        HOW_TO,
    )
    choices = [(_("{clause} {points}", clause=clause_name(c.name), points=points_cut(points[c.id])) if c.id in points
                else clause_name(c.name), pack(flow, "cut", c.id))
               for c in convention.clauses]
    buttons = (*choice_rows(choices, per_row=2), (Button(save_label, pack(flow, "save")),))
    return Reply(text, buttons=(*buttons, nav_row()) if edit else buttons, edit=edit)


def is_save(ctx: Context) -> bool:
    """Tell whether the save button was pressed."""
    return tapped(ctx, "save") is not None


async def receive(ctx: Context, convention: Convention, redraw: Callable[[], Reply]) -> Turn:
    """Handle a clause tap (redraw in place), a typed reason or a photo (show the sheet again)."""
    event = ctx.event
    callback = tapped(ctx, "cut")
    if callback is not None:
        clause = convention.clause(number(callback))
        if clause is None:
            return reask()
        cut = _next_cut(cuts(ctx).get(clause.id, 0), clause.step, clause.points)
        ctx.draft[CUTS] = {**ctx.draft.get(CUTS, {}), str(clause.id): cut}
        ctx.draft[TOUCHED] = sorted({*ctx.draft.get(TOUCHED, []), str(clause.id)})
        if not cut:  # a deduction taken back takes its reason with it
            ctx.draft[REASONS] = {k: v for k, v in ctx.draft.get(REASONS, {}).items() if k != str(clause.id)}
        return stay(redraw())
    if event.kind is EventKind.TEXT and event.text.strip():
        _take_reason(ctx, event.text.strip())
        return reask()
    if event.kind is EventKind.PHOTO and event.media is not None and ctx.media is not None:
        kept = await ctx.media.keep(event.media, MediaKind.PHOTO)
        ctx.draft[PHOTO] = {"media_id": kept.id}
        return reask(Reply(_("📷 Photo added.")))
    return reask(Reply(_("Please tap a clause, type the reason, or tap the save button.")))


def _next_cut(current: int, step: int, points: int) -> int:
    """Cycle a clause's deduction: none, one step, two steps, ... the most, and back to none."""
    if current >= points:
        return 0
    return min(current + max(step, 1), points)


def _take_reason(ctx: Context, text: str) -> None:
    """The typed text explains the deductions still without a reason, else those changed since the last text.

    A deduction's reason changes only when that deduction was edited: text typed when nothing lacks
    a reason and nothing was changed is only the note (a revision's reason), never another clause's reason.
    """
    ctx.draft[NOTE] = text
    why = dict(ctx.draft.get(REASONS, {}))
    current = {k for k, v in ctx.draft.get(CUTS, {}).items() if int(v)}
    lacking = {k for k in current if not str(why.get(k, "")).strip()}
    for key in lacking or current & set(ctx.draft.get(TOUCHED, [])):
        why[key] = text
    ctx.draft[REASONS] = why
    ctx.draft[TOUCHED] = []
