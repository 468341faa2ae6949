"""Proposing a topic step by step: whose matter it is, a short title, the detail as text or voice, confirm."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum, auto

from handlers import glossary
from handlers.callback_data import pack
from handlers.consultation import labels, steps
from handlers.consultation.names import TOPIC_NEW
from handlers.context import Context, keep_media
from handlers.conversations import Flow, State, Turn, finish, goto, reask
from handlers.events import EventKind
from handlers.keyboards import choice_rows
from handlers.replies import Button, Reply
from handlers.texts import _, lines
from village.consultation.levels import MeetingLevel, is_group_level
from village.consultation.meetings import MAX_TEXT, MAX_TITLE, MIN_TEXT, clean_text, clean_title
from village.consultation.topics import TopicProposal
from village.media import MediaKind

LEVEL_CHOICES = {
    MeetingLevel.HOMESTEAD: _("🏡 A matter of our group"),
    MeetingLevel.SOCIAL_ORG: _("🤝 For a social organisation"),
    MeetingLevel.VILLAGE: _("🏘 A matter of the whole village"),
}


class ProposeState(Enum):
    """The questions of proposing a topic."""

    LEVEL = auto()
    TITLE = auto()
    DETAIL = auto()
    CONFIRM = auto()


async def begin(ctx: Context) -> Turn:
    """Start proposing."""
    return goto(ProposeState.LEVEL)


async def ask_level(ctx: Context) -> Sequence[Reply]:
    """Ask whose matter it is; a person without a group has no homestead choice."""
    levels = [level for level in MeetingLevel if ctx.member.group_id is not None or not is_group_level(level)]
    choices = [(LEVEL_CHOICES[level], pack(TOPIC_NEW, "level", level.value)) for level in levels]
    return [Reply(_("Whose matter is it?"), buttons=choice_rows(choices))]


async def receive_level(ctx: Context) -> Turn:
    """Keep the level."""
    callback = steps.pressed(ctx, TOPIC_NEW, "level")
    if callback is None or callback.arg() not in {level.value for level in MeetingLevel}:
        return reask(Reply(_("Please tap one of the buttons.")))
    ctx.draft["level"] = callback.arg()
    return goto(ProposeState.TITLE)


async def ask_title(ctx: Context) -> Sequence[Reply]:
    """Ask for a short title."""
    return [Reply(_("In a few words, what is it about? ({length}, e.g. The lamp by the bridge is out)",
                    length=glossary.length(MIN_TEXT, MAX_TITLE)))]


async def receive_title(ctx: Context) -> Turn:
    """Keep a valid title."""
    text = steps.typed(ctx)
    if text is None:
        return reask(Reply(_("Please type the title as text.")))
    ctx.draft["title"] = clean_title(text)
    return goto(ProposeState.DETAIL)


async def ask_detail(ctx: Context) -> Sequence[Reply]:
    """Ask for the detail, typed or spoken."""
    return [Reply(_("Please tell us more: type it, or hold the 🎤 button and send a voice message."))]


async def receive_detail(ctx: Context) -> Turn:
    """Keep the detail as text or a voice message."""
    if ctx.event.kind is EventKind.VOICE and ctx.event.media is not None:
        voice = await keep_media(ctx, ctx.event.media, MediaKind.VOICE)
        ctx.draft.update(voice=voice.id, body=None)
        return goto(ProposeState.CONFIRM)
    text = steps.typed(ctx)
    if text is None:
        return reask(Reply(_("Please type a few sentences, or send a voice message.")))
    ctx.draft.update(body=clean_text(text, maximum=MAX_TEXT), voice=None)
    return goto(ProposeState.CONFIRM)


async def ask_confirm(ctx: Context) -> Sequence[Reply]:
    """Show the topic before it is filed."""
    level = MeetingLevel(ctx.draft["level"])
    text = lines(_("Please check your topic:"), _("💬 {title}", title=ctx.draft["title"]),
                 ctx.draft.get("body") or _("(a voice message)"), _("Level: {level}", level=labels.LEVELS[level]))
    return [Reply(text, buttons=((Button(glossary.SUBMIT, pack(TOPIC_NEW, "submit")),),))]


async def receive_confirm(ctx: Context) -> Turn:
    """File the topic."""
    if steps.pressed(ctx, TOPIC_NEW, "submit") is None:
        return reask(Reply(_("Please tap ✅ Submit, or ❌ Cancel.")))
    level = MeetingLevel(ctx.draft["level"])
    proposal = TopicProposal(level, ctx.draft["title"], ctx.draft.get("body"), ctx.draft.get("voice"))
    topic = await ctx.services.topics.propose(ctx.actor, proposal)
    needed = ctx.services.topics.threshold(level)
    return finish(Reply(_("✅ Your topic “{title}” is filed. Neighbours can now support it under 💬 Topics; with "
                          "{needed} supports it goes to the village cadres.", title=topic.title, needed=needed)))


def build() -> Flow:
    """Return the flow for proposing a topic."""
    return Flow(
        name=TOPIC_NEW,
        begin=begin,
        commands=("propose",),
        actions={"new": begin},
        states={
            ProposeState.LEVEL: State(ask_level, receive_level),
            ProposeState.TITLE: State(ask_title, receive_title),
            ProposeState.DETAIL: State(ask_detail, receive_detail),
            ProposeState.CONFIRM: State(ask_confirm, receive_confirm),
        },
        expired=_("Proposing the topic timed out; nothing was filed. Tap 💬 Topics to start again."),
    )
