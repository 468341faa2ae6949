"""议题征集 (/topics): open topics of my group and village, supporting (附议) with one tap, and for
managers putting a topic on a meeting's agenda or declining it with a reason (topic_no)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum, auto

from handlers import glossary
from handlers.callback_data import pack
from handlers.consultation import labels, notices, steps
from handlers.consultation.names import MEETINGS, PLANNING, TOPIC_DECLINE, TOPIC_NEW, TOPICS
from handlers.context import Context
from handlers.conversations import Flow, MenuItem, State, Turn, finish, goto, reask, stay
from handlers.family_labels import DeputyAct, deputy_line
from handlers.replies import Attachment, AttachmentKind, Choice, Reply
from handlers.texts import Content, _, lines
from village.consultation.scope import may_plan
from village.consultation.topics import TopicStatus, TopicView
from village.errors import PermissionDeniedError

LIST_LIMIT = 20


MY_TOPICS = _("🙋 My topics")


async def begin(ctx: Context) -> Turn:
    """List the open topics I may see, most supported first, with a button to propose one."""
    topics = (await ctx.services.topics.open_topics(ctx.actor))[:LIST_LIMIT]
    rows = [(Choice(f"{t.title} 👍{t.supports}", pack(TOPICS, "show", t.id)),) for t in topics]
    rows.append((Choice(_("➕ Propose a topic"), pack(TOPIC_NEW, "new")),))
    rows.append((Choice(MY_TOPICS, pack(TOPICS, "mine")),))
    intro = _("💬 Topics: matters people want the village to talk over. Tap one to read it and support "
              "it. With enough supports it goes to the village cadres.")
    text = intro if topics else lines(intro, _("There are no open topics yet. You can propose the first one."))
    return finish(Reply(text, choices=tuple(rows)), menu=False)  # the menu keyboard is still shown


async def show_mine(ctx: Context) -> Turn:
    """List the topics I proposed, with what became of each."""
    topics = await ctx.services.topics.mine(ctx.actor)
    if not topics:
        return stay(Reply(_("You have not proposed any topic yet.")))
    text = lines(MY_TOPICS, *(_("• {title} — {status}", title=t.title, status=labels.TOPIC_STATUSES[t.status])
                                      for t in topics))
    return stay(Reply(text, choices=tuple((Choice(t.title, pack(TOPICS, "show", t.id)),) for t in topics[:10])))


def topic_text(view: TopicView, group_name: str | None) -> Content:
    """Return a topic's page."""
    topic = view.topic
    return lines(
        _("💬 Topic: {title}", title=topic.title),
        _("For {scope}; proposed by {name}", scope=labels.scope(group_name), name=view.proposer_name),
        deputy_line(view.deputy, DeputyAct.PROPOSED),
        topic.body,
        _("(with a voice message)") if topic.voice_media_id else None,
        _("Supports: {count} (it goes to the cadres at {needed})", count=topic.supports, needed=view.threshold),
        _("Status: {status}", status=labels.TOPIC_STATUSES[topic.status]),
        _("Reason: {reason}", reason=topic.decline_reason) if topic.status is TopicStatus.DECLINED else None,
    )


def topic_buttons(view: TopicView) -> tuple[tuple[Choice, ...], ...]:
    """Return a topic page's buttons for this reader."""
    topic, rows = view.topic, []
    if view.supported_by_me and topic.status is TopicStatus.OPEN:
        rows.append((Choice(_("↩️ Take back my support"), pack(TOPICS, "unsupport", topic.id)),))
    elif view.may_support:
        rows.append((Choice(_("👍 Support"), pack(TOPICS, "support", topic.id)),))
    if view.may_decide:
        rows.append((Choice(_("📅 Put on a meeting's agenda"), pack(TOPICS, "agenda", topic.id)),))
        rows.append((Choice(_("🚫 Decline with a reason"), pack(TOPIC_DECLINE, "ask", topic.id)),))
    if topic.meeting_id is not None:
        rows.append((Choice(_("🔎 The meeting"), pack(MEETINGS, "show", topic.meeting_id)),))
    return tuple(rows)


async def _page(ctx: Context, topic_id: int, *, edit: bool = False) -> list[Reply]:
    view = await ctx.services.topics.view(ctx.actor, topic_id)
    groups = {g.id: g.name for g in await ctx.services.store.places.groups(view.topic.village_id)}
    page = Reply(topic_text(view, groups.get(view.topic.group_id or 0)), choices=topic_buttons(view), edit=edit)
    if view.topic.voice_media_id and not edit:
        return [Reply(attachment=Attachment(AttachmentKind.VOICE, media_id=view.topic.voice_media_id)), page]
    return [page]


async def show(ctx: Context) -> Turn:
    """Show a topic's page (with the proposer's voice message, if any)."""
    return stay(*await _page(ctx, steps.action_id(ctx)))


async def support(ctx: Context) -> Turn:
    """Support a topic once; at the threshold, tell the managers."""
    outcome = await ctx.services.topics.support(ctx.actor, steps.action_id(ctx))
    if outcome.reached:
        await notices.threshold(ctx.notify, outcome.topic, outcome.managers, outcome.threshold)
    note = _("👍 Thank you for your support.")
    return stay(*await _page(ctx, outcome.topic.id, edit=True), Reply(note))


async def unsupport(ctx: Context) -> Turn:
    """Take my support back."""
    topic = await ctx.services.topics.withdraw(ctx.actor, steps.action_id(ctx))
    return stay(*await _page(ctx, topic.id, edit=True), Reply(_("Your support is taken back.")))


async def choose_meeting(ctx: Context) -> Turn:
    """Offer the planned meetings whose agenda may take this topic."""
    topic_id = steps.action_id(ctx)
    meetings = await ctx.services.meetings.meetings_for_topic(ctx.actor, topic_id)
    zone = ctx.services.settings.timezone
    rows = [(Choice(ctx.render(_("{when} {title}", when=labels.moment(m.starts_at, zone), title=m.title)),
                    pack(TOPICS, "put", topic_id, m.id)),) for m in meetings]
    if may_plan(ctx.member):
        rows.append((Choice(_("➕ Plan a new meeting"), pack(PLANNING, "new")),))
    text = (_("Which meeting's agenda should it go on?") if meetings
            else _("No planned meeting can take this topic yet. Plan one first; the topic will be offered there."))
    return stay(Reply(text, choices=tuple(rows)))


async def put_on_agenda(ctx: Context) -> Turn:
    """Put the topic on the chosen meeting's agenda; its followers hear if the meeting is published."""
    change = await ctx.services.meetings.add_topic(ctx.actor, steps.action_id(ctx, 1), steps.action_id(ctx))
    if change.announce:
        await notices.scheduled(ctx.notify, change.decision, change.meeting, ctx.services.settings.timezone)
    return stay(Reply(_("✅ “{topic}” is on the agenda of “{meeting}”.", topic=change.decision.topic.title,
                        meeting=change.meeting.title), edit=True))


class DeclineState(Enum):
    """Giving the reason for declining a topic."""

    REASON = auto()


async def begin_decline(ctx: Context) -> Turn:
    """Ask a manager for the reason (others are refused here already)."""
    view = await ctx.services.topics.view(ctx.actor, steps.action_id(ctx))
    if not view.may_decide:
        raise PermissionDeniedError()
    ctx.draft["topic_id"] = view.topic.id
    ctx.draft["title"] = view.topic.title
    return goto(DeclineState.REASON)


async def ask_reason(ctx: Context) -> Sequence[Reply]:
    """Ask why the topic is declined."""
    return [Reply(_("Why is “{title}” not taken up? Please type the reason; the proposer and supporters will read "
                    "it.", title=ctx.draft["title"]))]


async def receive_reason(ctx: Context) -> Turn:
    """Decline the topic and tell its followers."""
    text = steps.typed(ctx)
    if text is None:
        return reask(Reply(_("Please type the reason as text.")))
    decision = await ctx.services.topics.decline(ctx.actor, int(ctx.draft["topic_id"]), text)
    await notices.declined(ctx.notify, decision, decision.topic.decline_reason or text)
    return finish(Reply(_("Done. The proposer and {count} supporter(s) are told.",
                          count=max(len(decision.followers) - 1, 0))))


def build() -> list[Flow]:
    """Return the topics flow and the flow for declining a topic."""
    return [
        Flow(name=TOPICS, begin=begin, commands=("topics",), menu=MenuItem(glossary.TOPICS, order=40),
             actions={"show": show, "mine": show_mine, "support": support, "unsupport": unsupport,
                      "agenda": choose_meeting, "put": put_on_agenda}),
        Flow(name=TOPIC_DECLINE, begin=begin_decline, actions={"ask": begin_decline},
             states={DeclineState.REASON: State(ask_reason, receive_reason)},
             expired=_("Declining the topic timed out; nothing was changed.")),
    ]
