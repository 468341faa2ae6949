"""One send budget for the whole bot: Telegram's ~30 msg/s shared by priority, ~1 msg/s per chat, scoped flood waits.

Every send waits for its turn in the bot's pace: evenly spaced at `per_second` (a send granted
late lets the next ones go sooner, up to two, so lateness is not lost), and never more than
`per_second` arriving at Telegram in any second, however late each request gets there (`Pace`).
A send reports its answer (`answered`, or use `slot`).
Waiting sends are served by lane: direct replies first, then messages to individuals, then
broadcasts, which take every token the others leave (work-conserving: with nobody chatting a
broadcast runs at the full rate).

A chat has its own bucket (`chat_per_second`, bursts of `chat_burst`). Queued messages wait for
it; a direct reply does not (the person sets its pace by writing) but draws on it, so a notice to
someone who is chatting waits its turn.

Telegram's 429 does not say whether the wait is one chat's or the whole bot's. A chat we had not
sent to for a while cannot have hit its own limit, and two chats limited at once point at the bot;
otherwise only that chat waits. During a wait, sends in its scope fail at once with the time left
(`FloodWait`), so that the caller reschedules instead of holding a slot.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import Enum, IntEnum

from village.outbox import Priority

Now = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]
_IDLE_CHATS = 4096  # chat buckets kept before full ones are forgotten
WINDOW = 1.01  # seconds in which at most `per_second` sends arrive: Telegram's second, and a little room
CATCH_UP = 2  # sends a late grant may make up for at once


class Lane(IntEnum):
    """Who goes first when sends wait for the budget: lower first."""

    REPLY = 0  # the answer to what a person just did
    PERSONAL = 1  # a queued message to one person (their report moved, a reminder)
    BROADCAST = 2  # one of many: a notice to the village


class Scope(Enum):
    """What a flood wait applies to."""

    CHAT = "chat"
    BOT = "bot"


class FloodWait(Exception):
    """A send refused without asking Telegram: its chat, or the bot, is waiting out a 429."""

    def __init__(self, seconds: float, scope: Scope) -> None:
        super().__init__(f"flood wait ({scope.value}): {seconds:.2f}s left")
        self.seconds = seconds
        self.scope = scope


def lane_of(priority: int) -> Lane:
    """Return the lane of a queued message: bulk ones are broadcasts, the rest are for one person."""
    return Lane.BROADCAST if priority >= Priority.BULK else Lane.PERSONAL


_LANE: ContextVar[Lane] = ContextVar("hemei_send_lane", default=Lane.REPLY)


@contextlib.contextmanager
def sending_as(lane: Lane) -> Iterator[None]:
    """Mark the sends made in this block (this task) as `lane`.

    A context variable rather than an argument: the lane has to cross python-telegram-bot's call
    stack to its rate limiter, and the channel-neutral `Channel.send` need not know about it.
    """
    token = _LANE.set(lane)
    try:
        yield
    finally:
        _LANE.reset(token)


def current_lane() -> Lane:
    """Return the lane of the sends being made now (a direct reply unless marked)."""
    return _LANE.get()


@dataclass
class Bucket:
    """A token bucket: `rate` tokens a second, at most `capacity` saved up."""

    rate: float
    capacity: float
    tokens: float
    stamp: float

    def refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def ready_at(self, now: float) -> float:
        """Return when a token is there (`now` if it is)."""
        self.refill(now)
        return now if self.tokens >= 1 else now + (1 - self.tokens) / self.rate

    def take(self, now: float) -> None:
        """Spend a token; one taken without waiting (a reply) leaves it empty, never in debt."""
        self.refill(now)
        self.tokens = max(self.tokens - 1, 0.0)

    def full(self, now: float) -> bool:
        self.refill(now)
        return self.tokens >= self.capacity


class Pace:
    """Evenly spaced sends (a virtual schedule that makes up for late grants), at most `count` in any window.

    Telegram counts a send when it arrives, somewhere between our grant and its answer. So a send
    holds its place in the window from its grant until `window` after its answer: then however
    late a request arrives, no `count + 1` of them can arrive within one window. The slower the
    answers (a loaded machine, a slow network), the slower the pace, by exactly that much.
    """

    def __init__(self, per_second: float, window: float = WINDOW) -> None:
        self._interval = 1 / per_second
        self._window = window
        self._count = max(int(per_second), 1)
        self._due = 0.0  # when the next send is due on the even schedule
        self._in_flight = 0
        self._answered: deque[float] = deque(maxlen=self._count)  # when the latest sends were answered

    def ready_at(self, now: float) -> float:
        """Return when the next send may go: `now` if it may, infinity until a send in flight is answered."""
        at = max(now, self._due)
        recent = [t for t in self._answered if t > now - self._window]
        excess = self._in_flight + len(recent) - self._count
        if excess >= 0:
            at = max(at, recent[excess] + self._window) if excess < len(recent) else math.inf
        return at

    def take(self, now: float) -> None:
        """Record a send granted at `now`: the schedule goes on from where it was, unless it fell far behind."""
        behind = now - self._due
        self._due = (now if behind > CATCH_UP * self._interval else self._due) + self._interval
        self._in_flight += 1

    def answered(self, now: float) -> None:
        """Record that a send granted earlier was answered (or failed) at `now`."""
        self._in_flight = max(self._in_flight - 1, 0)
        self._answered.append(now)


@dataclass
class _Waiter:
    lane: Lane
    chat: str | None
    future: asyncio.Future[None] = field(repr=False)


class SendBudget:
    """Grants sends by lane within the bot's and each chat's rate; remembers flood waits by scope."""

    def __init__(self, per_second: float, chat_per_second: float, chat_burst: int, *,
                 now: Now = time.monotonic, sleep: Sleep = asyncio.sleep) -> None:
        self._now = now
        self._sleep = sleep
        self._bot = Pace(per_second)
        self._chat_rate = chat_per_second
        self._chat_burst = chat_burst
        self._chats: dict[str, Bucket] = {}
        self._bot_until = 0.0
        self._chat_until: dict[str, float] = {}
        self._waiters: list[_Waiter] = []
        self._changed = asyncio.Event()
        self._pump: asyncio.Task[None] | None = None
        self.granted = {lane: 0 for lane in Lane}
        self.floods = {scope: 0 for scope in Scope}

    # --- sending -------------------------------------------------------------------

    async def acquire(self, chat: str | None, lane: Lane | None = None) -> None:
        """Wait for this send's turn; raise `FloodWait` if its chat or the bot is waiting out a 429."""
        lane = current_lane() if lane is None else lane
        self._refuse_if_paused(chat, self._now())
        waiter = _Waiter(lane, chat, asyncio.get_running_loop().create_future())
        self._waiters.append(waiter)
        self._changed.set()
        if self._pump is None or self._pump.done():
            self._pump = asyncio.create_task(self._serve(), name="send-budget")
        try:
            await waiter.future
        except asyncio.CancelledError:
            if waiter.future.done() and not waiter.future.cancelled():  # granted, but it will not be sent
                self.answered()
            raise
        finally:
            if waiter in self._waiters:  # cancelled while waiting
                self._waiters.remove(waiter)

    def answered(self) -> None:
        """Record that a granted send got its answer (or failed): its place in the window starts to expire."""
        self._bot.answered(self._now())
        self._changed.set()

    @contextlib.asynccontextmanager
    async def slot(self, chat: str | None, lane: Lane | None = None) -> AsyncIterator[None]:
        """Hold a send's turn for the block: acquired on entry, answered on exit."""
        await self.acquire(chat, lane)
        try:
            yield
        finally:
            self.answered()

    def paused_for(self, chat: str | None = None) -> float:
        """Return how long sends to `chat` (or any, when None) must still wait because of a 429."""
        now = self._now()
        chat_wait = self._chat_until.get(chat, 0.0) if chat is not None else 0.0
        return max(self._bot_until - now, chat_wait - now, 0.0)

    def flooded(self, chat: str | None, seconds: float) -> Scope:
        """Record a 429 met by a send to `chat`; return the scope it is taken to have."""
        now = self._now()
        scope = self._scope_of(chat, now)
        self.floods[scope] += 1
        if chat is not None:
            self._chat_until[chat] = max(self._chat_until.get(chat, 0.0), now + seconds)
        if scope is Scope.BOT:
            self._bot_until = max(self._bot_until, now + seconds)
        self._changed.set()
        return scope

    def _scope_of(self, chat: str | None, now: float) -> Scope:
        if chat is None:
            return Scope.BOT
        bucket = self._chats.get(chat)
        cold = bucket is None or bucket.tokens + (now - bucket.stamp) * bucket.rate + 1 >= bucket.capacity
        others = any(until > now for other, until in self._chat_until.items() if other != chat)
        return Scope.BOT if cold or others else Scope.CHAT

    def _refuse_if_paused(self, chat: str | None, now: float) -> None:
        if self._bot_until > now:
            raise FloodWait(self._bot_until - now, Scope.BOT)
        until = self._chat_until.get(chat, 0.0) if chat is not None else 0.0
        if until > now:
            raise FloodWait(until - now, Scope.CHAT)

    # --- granting ------------------------------------------------------------------

    async def _serve(self) -> None:
        """Grant waiting sends one token at a time until none waits."""
        while self._waiters:
            self._changed.clear()
            now = self._now()
            self._fail_paused(now)
            waiter, at = self._next(now)
            if waiter is not None and at <= now:
                self._grant(waiter, now)
                continue
            if waiter is None or math.isinf(at):  # wait for a new send, or for one in flight to be answered
                await self._changed.wait()
            else:
                await self._wait(at - now)

    async def _wait(self, delay: float) -> None:
        """Sleep `delay`, or less if a new send arrives (it may go first)."""
        sleeper = asyncio.ensure_future(self._sleep(delay))
        changed = asyncio.ensure_future(self._changed.wait())
        await asyncio.wait({sleeper, changed}, return_when=asyncio.FIRST_COMPLETED)
        for task in (sleeper, changed):
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    def _fail_paused(self, now: float) -> None:
        for waiter in list(self._waiters):
            try:
                self._refuse_if_paused(waiter.chat, now)
            except FloodWait as wait:
                self._waiters.remove(waiter)
                if not waiter.future.done():
                    waiter.future.set_exception(wait)

    def _next(self, now: float) -> tuple[_Waiter | None, float]:
        """Return the send to grant next and when: the first of the best lane whose chat has a token."""
        bot_at = self._bot.ready_at(now)
        best: tuple[_Waiter | None, float] = (None, 0.0)
        for waiter in sorted(self._waiters, key=lambda w: w.lane):  # stable: first come, first served per lane
            if waiter.future.done():
                continue
            at = max(bot_at, self._chat_ready_at(waiter, now))
            if at <= bot_at:
                return waiter, at
            if best[0] is None or at < best[1]:
                best = (waiter, at)
        return best

    def _chat_ready_at(self, waiter: _Waiter, now: float) -> float:
        if waiter.chat is None or waiter.lane is Lane.REPLY:
            return now
        return self._chat_bucket(waiter.chat, now).ready_at(now)

    def _grant(self, waiter: _Waiter, now: float) -> None:
        self._waiters.remove(waiter)
        self._bot.take(now)
        if waiter.chat is not None:
            self._chat_bucket(waiter.chat, now).take(now)
        self.granted[waiter.lane] += 1
        if not waiter.future.done():
            waiter.future.set_result(None)

    def _chat_bucket(self, chat: str, now: float) -> Bucket:
        bucket = self._chats.get(chat)
        if bucket is None:
            if len(self._chats) >= _IDLE_CHATS:
                self._forget_idle(now)
            bucket = self._chats[chat] = Bucket(self._chat_rate, self._chat_burst, self._chat_burst, now)
        return bucket

    def _forget_idle(self, now: float) -> None:
        """Drop full buckets (a broadcast touches every chat once) and ended waits."""
        self._chats = {chat: b for chat, b in self._chats.items() if not b.full(now)}
        self._chat_until = {chat: until for chat, until in self._chat_until.items() if until > now}
