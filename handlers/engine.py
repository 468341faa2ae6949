"""The conversation engine: one event in, replies out, state kept in the database.

For each event it opens one transaction, finds who is writing and where they
are in a conversation, routes the event (navigation, command, button, menu,
current state), runs the step inside a savepoint, and saves the new state.
A refusal from the domain rolls back the step's writes and re-asks.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Protocol

from handlers.callback_data import BadCallbackError, Callback, unpack
from handlers.context import Context, MediaKeeping, Notifier, QrPictures, ReminderPages, Renderer
from handlers.conversations import KEEP, Flow, MenuSection, State, Turn, reask
from handlers.errors import error_reply
from handlers.events import Event, EventKind
from handlers.keyboards import (
    BACK,
    BACK_LABEL,
    CANCEL,
    CANCEL_LABEL,
    MENU,
    MENU_LABEL,
    NAV,
    NAV_WORDS,
    navigation,
)
from handlers.menu import SECTION_LABELS, Menu
from handlers.replies import Reply, offers_input
from handlers.texts import Text, _, spoken
from village.clock import Clock
from village.conversations import ConversationRecord, Visit
from village.errors import VillageError
from village.people import Identity
from village.ports import Store
from village.services import Services
from village.settings import VillageSettings

log = logging.getLogger(__name__)

BUTTON_EXPIRED = _("This button is no longer valid.")
NOT_UNDERSTOOD = _("Sorry, I did not understand that. Please use the buttons below.")
CANCELLED = _("Cancelled.")
GOT_IT = _("👌 Got it.")
ANSWER_FIRST = _("Please answer the question above first, or tap ❌ Cancel to leave it.")
DISCARDED = _("What you had started and not finished has been discarded.")
SORRY = _("Sorry, something went wrong on our side. Please try again in a moment, or tap a button below.")


# Runs in the step's transaction with the person's account and the rendered replies.
Completion = Callable[[Store, Identity, list[Reply]], Awaitable[None]]


class Transactions(Protocol):
    """Opens one transaction and hands over its store."""

    def transaction(self) -> AbstractAsyncContextManager[Store]:
        """Return the transaction's context manager."""
        ...


class Engine:
    """Routes events to flows; knows no channel."""

    def __init__(
        self,
        flows: Sequence[Flow],
        *,
        database: Transactions,
        clock: Clock,
        settings: VillageSettings,
        renderer: Renderer,
        stranger_flow: str,
        media: MediaKeeping | None = None,
        on_queued: Callable[[], None] = lambda: None,
        cjk_font: Path | None = None,
        qr_pictures: QrPictures | None = None,
        reminder_pages: ReminderPages | None = None,
    ) -> None:
        self._flows = {f.name: f for f in flows}
        self._commands = {c: f for f in flows for c in f.commands}
        self._menu = Menu(flows)
        self._database = database
        self._clock = clock
        self._settings = settings
        self._renderer = renderer
        self._stranger = self._flows[stranger_flow]
        self._media = media
        self._on_queued = on_queued
        self._cjk_font = cjk_font
        self._qr_pictures = qr_pictures
        self._reminder_pages = reminder_pages

    @property
    def menu(self) -> Menu:
        """The main menu."""
        return self._menu

    async def handle(self, event: Event, *, then: Completion | None = None) -> list[Reply]:
        """Handle one event and return the replies, rendered in the person's language.

        `then` runs in the step's own transaction with the rendered replies (a channel records there that
        the input was handled, so a crash can never leave the step done and the input pending).
        """
        now = self._clock.now()
        async with self._database.transaction() as store:
            # First: it locks the person until commit, so another worker's update of theirs waits its turn.
            identity = await store.arrivals.arrive(event.channel, event.external_id, update_ref=event.update_ref,
                                                   chat_ref=event.chat_ref, display_name=event.display_name, now=now)
            if identity is None:
                log.info("dropping redelivered update %s", event.update_ref)
                return []
            ctx, record, lapsed = await self._context(store, event, identity, now)
            # The lapsed question's keys go with it: the notice carries the menu (a new question replaces it).
            replies = [Reply(lapsed, menu=self._menu.reply(ctx.person).menu)] if lapsed else []
            replies += await self._guarded(ctx, record)
            rendered = [self._renderer.render(r, ctx.locale) for r in replies]
            if then is not None:
                await then(store, identity, rendered)
        if ctx.notify.queued:
            self._on_queued()
        return rendered

    async def apology(self, event: Event) -> Reply:
        """Return the apology for an unexpected failure, in the person's language, with the menu."""
        locale, person = self._settings.locale, None
        async with self._database.transaction() as store:
            identity = await store.identities.seen(event.channel, event.external_id, chat_ref=event.chat_ref,
                                                   display_name=event.display_name, now=self._clock.now())
            locale = identity.locale or locale
            person = await store.people.get(identity.person_id) if identity.person_id else None
        return self._renderer.render(self._menu.reply(person, SORRY), locale)

    async def _context(
        self, store: Store, event: Event, identity: Identity, now: datetime
    ) -> tuple[Context, ConversationRecord | None, Text | None]:
        if identity.unreachable_since is not None:
            await store.identities.set_unreachable(identity.id, None)  # they write again: reachable again
        person, record = await store.arrivals.whose(identity)
        services = Services(store, self._clock, self._settings)
        locale = identity.locale or self._settings.locale
        lapsed = None
        if record is not None and (record.expires_at <= now or record.flow not in self._flows):
            await store.conversations.delete(identity.id)
            lapsed = self._flows[record.flow].expired if record.flow in self._flows else None
            record = None
        notifier = Notifier(services, self._renderer, self._settings.locale)
        draft = dict(record.draft) if record else {}
        ctx = Context(event, identity, person, services, notifier, locale, self._menu, self._renderer, draft,
                      self._media, self._cjk_font, self._qr_pictures, self._reminder_pages)
        return ctx, record, lapsed

    async def _guarded(self, ctx: Context, record: ConversationRecord | None) -> list[Reply]:
        try:
            async with ctx.services.store.savepoint():
                return await self._route(ctx, record)
        except VillageError as error:
            log.info("refused: %s", error.code)
            ctx.draft = dict(record.draft) if record else {}
            return await self._resume(ctx, record, error_reply(error))
        except BadCallbackError:  # forged or garbled button data: as harmless as a stale button, no traceback
            log.info("malformed button data in update %s", ctx.event.update_ref)
            ctx.draft = dict(record.draft) if record else {}
            return await self._resume(ctx, record, Reply(BUTTON_EXPIRED))

    async def _route(self, ctx: Context, record: ConversationRecord | None) -> list[Reply]:
        event = ctx.event
        callback = unpack(event.payload) if event.kind is EventKind.BUTTON else None
        nav = self._navigation(ctx, callback)
        if nav in (CANCEL, MENU):
            await ctx.services.store.conversations.delete(ctx.identity.id)
            return self._with_menu(ctx, [Reply(CANCELLED)] if record and nav == CANCEL else [])
        if nav == BACK:
            return await self._back(ctx, record)
        if event.kind is EventKind.COMMAND:
            return await self._command(ctx, record)
        if event.kind is EventKind.BUTTON:
            return await self._button(ctx, record, callback)
        if record is not None:
            return await self._receive(ctx, record)
        flow = self._menu_choice(ctx)
        if flow is not None:
            return await self._begin(ctx, flow, record)
        section = self._section_choice(ctx)
        if section is not None:
            return [self._menu.section_reply(ctx.person, section)]
        if ctx.person is None:
            return await self._begin(ctx, self._stranger, record)
        taker = self._taker(ctx)
        if taker is not None and taker.take is not None:
            ctx.draft = {}
            return await self._apply(ctx, taker, None, await taker.take(ctx))
        return self._with_menu(ctx, [Reply(NOT_UNDERSTOOD)])

    def _taker(self, ctx: Context) -> Flow | None:
        """Return the person's flow that takes this input (a photo sent from the menu), if any."""
        return next((f for f in self._menu.flows_for(ctx.person) if ctx.event.kind in f.takes), None)

    def _navigation(self, ctx: Context, callback: Callback | None) -> str | None:
        if callback is not None:
            return callback.action if callback.flow == NAV else None
        if ctx.event.kind is EventKind.COMMAND:
            command = f"/{ctx.event.command}"
            return next((nav for nav, words in NAV_WORDS.items() if command in words), None)
        if ctx.event.kind is not EventKind.TEXT:
            return None
        typed = ctx.event.text.strip().lower()
        for nav, words in NAV_WORDS.items():
            label = self._renderer.text(_NAV_LABELS[nav], ctx.locale).lower()
            if typed in words or typed == label:
                return nav
        return None

    async def _command(self, ctx: Context, record: ConversationRecord | None) -> list[Reply]:
        flow = self._commands.get(ctx.event.command or "")
        if flow is None:
            return self._with_menu(ctx, [Reply(NOT_UNDERSTOOD)]) if ctx.person else await self._begin(
                ctx, self._stranger, record)
        return await self._begin(ctx, flow, record)

    async def _button(self, ctx: Context, record: ConversationRecord | None, callback: Callback | None) -> list[Reply]:
        if callback is not None and record is not None and callback.flow == record.flow:
            return await self._receive(ctx, record)
        flow = self._flows.get(callback.flow) if callback else None
        action = flow.actions.get(callback.action) if flow and callback else None
        if flow is None or action is None:
            return await self._resume(ctx, record, Reply(BUTTON_EXPIRED))
        if ctx.person is None and not flow.public:
            return await self._begin(ctx, self._stranger, record)
        if record is None or record.flow != flow.name:
            ctx.draft = {}
        turn = await action(ctx)
        if turn.next_state is KEEP or turn.next_state is None:
            keep = record if record is not None and record.flow != flow.name else None
            return list(turn.replies) if keep else self._finish_replies(ctx, turn)
        replies = await self._apply(ctx, flow, None, turn)
        return [Reply(DISCARDED), *replies] if record is not None else replies

    async def _begin(self, ctx: Context, flow: Flow, record: ConversationRecord | None) -> list[Reply]:
        if ctx.person is None and not flow.public:
            flow = self._stranger
        ctx.draft = {}
        turn = await flow.begin(ctx)
        replies = await self._apply(ctx, flow, None, turn)
        if record is None or ctx.person is None:
            return replies
        notice = Reply(DISCARDED)
        if turn.next_state is None and not any(offers_input(r) or r.hide_input for r in replies):
            # A flow that answers at once leaves what is at hand alone: the interrupted question's input must go.
            notice = replace(notice, menu=self._menu.reply(ctx.person).menu)
        return [notice, *replies]

    async def _receive(self, ctx: Context, record: ConversationRecord) -> list[Reply]:
        flow = self._flows[record.flow]
        state = flow.state(record.state)
        if state is None:
            await ctx.services.store.conversations.delete(ctx.identity.id)
            return self._with_menu(ctx, [Reply(NOT_UNDERSTOOD)])
        refusal = self._refusal(ctx, flow.states[state])
        turn = reask(Reply(refusal)) if refusal else await flow.states[state].receive(ctx)
        return await self._apply(ctx, flow, record, turn)

    def _refusal(self, ctx: Context, state: State) -> Text | None:
        """Return the hint when the input is not an answer to the question: a menu label, or a kind it does not take."""
        kind = ctx.event.kind
        if self._menu_choice(ctx) is not None or self._section_choice(ctx) is not None:
            return state.hint or ANSWER_FIRST
        if state.accepts is not None and kind is not EventKind.BUTTON and kind not in state.accepts:
            return state.hint or NOT_UNDERSTOOD
        return None

    async def _apply(self, ctx: Context, flow: Flow, record: ConversationRecord | None, turn: Turn) -> list[Reply]:
        """Carry out a step's decision: save or end the conversation, and collect the replies."""
        store = ctx.services.store
        if turn.next_state is None:
            await store.conversations.delete(ctx.identity.id)
            return self._finish_replies(ctx, turn)
        if turn.next_state is KEEP:
            if record is None:
                return list(turn.replies)
            replies, hidden = list(turn.replies), record.input_hidden
            if turn.ask_again:
                replies, hidden = _withdrawing([*replies, *await self._ask(ctx, flow, record.state)], hidden, GOT_IT)
            await store.conversations.save(replace(record, draft=ctx.draft, expires_at=self._expiry(),
                                                   input_hidden=hidden))
            return replies
        assert isinstance(turn.next_state, Enum)
        history = (*record.history, Visit(record.state, record.draft)) if record is not None else ()
        # Without a conversation the person has the menu at hand (or nothing): an opening question tells them
        # what they started when it withdraws the menu.
        carrier = GOT_IT if record is not None else flow.menu.label if flow.menu else GOT_IT
        replies, hidden = _withdrawing([*turn.replies, *await self._ask(ctx, flow, turn.next_state.name)],
                                      record is not None and record.input_hidden, carrier)
        await store.conversations.save(ConversationRecord(
            ctx.identity.id, flow.name, turn.next_state.name, self._expiry(), ctx.draft, history, hidden))
        return replies

    async def _back(self, ctx: Context, record: ConversationRecord | None) -> list[Reply]:
        if record is None or not record.history:
            await ctx.services.store.conversations.delete(ctx.identity.id)
            return self._with_menu(ctx, [])
        previous = record.history[-1]
        ctx.draft = dict(previous.draft if previous.draft is not None else record.draft)
        replies, hidden = _withdrawing(await self._ask(ctx, self._flows[record.flow], previous.state),
                                      record.input_hidden, BACK_LABEL)
        await ctx.services.store.conversations.save(replace(
            record, state=previous.state, draft=ctx.draft, history=record.history[:-1], expires_at=self._expiry(),
            input_hidden=hidden))
        return replies

    async def _resume(self, ctx: Context, record: ConversationRecord | None, reason: Reply) -> list[Reply]:
        """After a refusal or a stale button: say why, then ask the current question again, or show the menu.

        When the question itself is refused now (say, the report was reassigned meanwhile), asking it
        again would refuse every later message too: the conversation ends with the reason and the menu.
        """
        if record is None:
            return [reason, self._menu.reply(ctx.person)]
        try:
            async with ctx.services.store.savepoint():
                asked = await self._ask(ctx, self._flows[record.flow], record.state)
                return _withdrawing([reason, *asked], record.input_hidden, GOT_IT)[0]
        except VillageError as error:
            log.info("re-asking %s refused (%s): ending it", record.flow, error.code)
            await ctx.services.store.conversations.delete(ctx.identity.id)
            return self._with_menu(ctx, [reason])

    async def _ask(self, ctx: Context, flow: Flow, state_name: str) -> list[Reply]:
        state = flow.state(state_name)
        assert state is not None, f"{flow.name} has no state {state_name}"
        return _with_navigation(list(await flow.states[state].ask(ctx)))

    def _finish_replies(self, ctx: Context, turn: Turn) -> list[Reply]:
        return self._with_menu(ctx, list(turn.replies)) if turn.show_menu else list(turn.replies)

    def _with_menu(self, ctx: Context, replies: list[Reply]) -> list[Reply]:
        """Offer the menu with the last reply, or in a message of its own after an edit or another offer."""
        menu = self._menu.reply(ctx.person)
        if replies and not offers_input(replies[-1]) and not replies[-1].edit:
            return [*replies[:-1], replace(replies[-1], menu=menu.menu, hide_input=False)]
        return [*replies, menu]

    def _menu_choice(self, ctx: Context) -> Flow | None:
        """The menu entry whose label the text is: tapped, or typed without its emoji (WeChat's residents type
        "我的积分" for 😊 我的积分)."""
        typed = spoken(ctx.event.text) if ctx.event.kind is EventKind.TEXT else ""
        if not typed:
            return None
        for flow in self._menu.flows_for(ctx.person):
            if flow.menu and spoken(self._renderer.text(flow.menu.label, ctx.locale)) == typed:
                return flow
        return None

    def _section_choice(self, ctx: Context) -> MenuSection | None:
        if ctx.event.kind is not EventKind.TEXT or ctx.person is None or not (typed := spoken(ctx.event.text)):
            return None
        return next((s for s, label in SECTION_LABELS.items()
                     if spoken(self._renderer.text(label, ctx.locale)) == typed), None)

    def _expiry(self) -> datetime:
        return self._clock.now() + self._settings.conversations.timeout


_NAV_LABELS = {BACK: BACK_LABEL, CANCEL: CANCEL_LABEL, MENU: MENU_LABEL}


def _withdrawing(replies: list[Reply], hidden: bool, carrier: Text) -> tuple[list[Reply], bool]:
    """Make what is at hand the question's own; return the replies and whether the earlier input is withdrawn.

    A typed answer's question offers its own input (Back and Cancel, or its own such as 📍). A question
    of choices offers Back and Cancel among them, so what an earlier question left at hand (the menu,
    📍 Send my location) no longer applies: the latest plain message of the turn says so, or, when there
    is none, the first message carries a short acknowledgement (`carrier`) to say it with. Once is enough.
    """
    if not replies or replies[-1].edit:  # an edited message leaves what is at hand as it is
        return replies, hidden
    if not replies[-1].choices:  # a typed answer: navigation gave the question its input
        return replies, False
    if any(offers_input(r) for r in replies):
        return replies, False
    if hidden or any(r.hide_input for r in replies):
        return replies, True
    for index in range(len(replies) - 2, -1, -1):
        if not replies[index].choices and not replies[index].edit:
            return [*replies[:index], replace(replies[index], hide_input=True), *replies[index + 1:]], True
    return [replace(replies[0], hide_input=True, acknowledgement=carrier), *replies[1:]], True


def _with_navigation(replies: list[Reply]) -> list[Reply]:
    """Give a question Back and Cancel, unless a message of the turn already set what is at hand for typing."""
    if not replies:
        return replies
    last = replies[-1]
    if not last.choices and any(offers_input(r) for r in replies):
        return replies
    return [*replies[:-1], replace(last, navigation=navigation())]
