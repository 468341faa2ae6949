"""The notice being composed: its conversation states and the draft kept between them."""

from __future__ import annotations

from enum import Enum, auto

from handlers.callback_data import Callback, unpack
from handlers.context import Context
from handlers.conversations import Turn, goto
from handlers.events import EventKind
from village.errors import InvalidInputError
from village.notices import Audience, AudienceKind, NoticeAttachment, NoticeCategory, NoticeDraft
from village.roles import Role

FLOW = "an"
ENGLISH = "en"


class AnnounceState(Enum):
    """Where a cadre is in composing a notice."""

    CATEGORY = auto()
    TEXT = auto()
    ATTACHMENT = auto()
    TRANSLATION = auto()
    AUDIENCE = auto()
    PICK = auto()
    PREVIEW = auto()
    CHANGE = auto()


def next_step(ctx: Context, state: AnnounceState) -> Turn:
    """Go on to `state`, or back to the preview when the cadre is changing one thing."""
    return goto(AnnounceState.PREVIEW if ctx.draft.get("changing") else state)


def pressed(ctx: Context, *actions: str) -> Callback | None:
    """Return the pressed button of this flow when its action is one of `actions`."""
    callback = unpack(ctx.event.payload) if ctx.event.kind is EventKind.BUTTON else None
    if callback is None or callback.flow != FLOW or callback.action not in actions:
        return None
    return callback


def int_arg(callback: Callback) -> int:
    """Return the button's number; the engine answers a malformed one like a stale button."""
    return callback.int_arg()


def audience_of(ctx: Context) -> Audience:
    """Return the audience chosen so far."""
    kind = AudienceKind(ctx.draft.get("kind", AudienceKind.VILLAGE.value))
    picked = ctx.draft.get("picked", [])
    if kind is AudienceKind.ROLES:
        return Audience(kind, roles=tuple(_role(p) for p in picked))
    return Audience(kind, ids=tuple(int(p) for p in picked))


def draft_of(ctx: Context) -> NoticeDraft:
    """Return the notice as composed so far."""
    attachment = ctx.draft.get("attachment")
    translation = ctx.draft.get("translation")
    return NoticeDraft(
        village_id=ctx.member.village_id, category=NoticeCategory(ctx.draft["category"]), text=ctx.draft["text"],
        audience=audience_of(ctx), attachment=NoticeAttachment.from_json(attachment) if attachment else None,
        translations={ENGLISH: translation} if translation else {},
    )


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InvalidInputError(field="audience") from None
