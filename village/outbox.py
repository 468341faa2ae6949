"""The outbox: every message other than a direct reply, durable and sent exactly once.

A row is written in the same transaction as the change that causes it and carries
an idempotency key, so a recomputed reminder or a retried job never sends twice.
The payload is opaque here: the handlers render it, the dispatcher sends it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from village.clock import Clock

if TYPE_CHECKING:
    from village.ports import Store


class OutboxStatus(StrEnum):
    """Where a message is in its life."""

    PENDING = "pending"
    SENDING = "sending"  # claimed by the dispatcher; if the process dies here, it is resent
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"  # the person blocked the bot
    PARKED = "parked"  # the channel cannot reach the person now (WeChat's window closed): sent when they next write
    # A direct reply a worker is sending right after its update's commit, journalled in that transaction: if the
    # worker dies before it is sent, the dispatcher takes it over (`OutboxSettings.lost_reply_seconds`).
    REPLYING = "replying"


class MessageKind(StrEnum):
    """What a queued message is about, so that a channel can route, count and resend it by kind."""

    REPORT_ASSIGNED = "report.assigned"  # a new or reassigned report, to its handler
    REPORT_STATUS_CHANGED = "report.status_changed"  # to the reporter and followers
    REPORT_FILED_FOR = "report.filed_for"  # a report a grid worker or cadre filed for a resident
    REPORT_ALERT = "report.alert"  # staff: a fix rated 不满意
    REPORT_RATING_NOTE = "report.rating_note"  # staff: the reporter's comment on a rating
    REPORT_REMINDER = "report.reminder"  # overdue: to the handler
    REPORT_ESCALATED = "report.escalated"  # overdue: to the secretary
    REPORT_FEEDBACK_REQUESTED = "report.feedback_requested"  # the reporter has not rated the fix yet
    SCORE_PUBLISHED = "score.published"
    SCORE_REVISED = "score.revised"
    ASSESSMENT_REMINDER = "assessment.reminder"
    REWARD_NOTICE = "reward.notice"
    APPEAL_FILED = "appeal.filed"
    APPEAL_DECIDED = "appeal.decided"
    RECTIFICATION_REPORTED = "rectification.reported"
    RECTIFICATION_INSPECTED = "rectification.inspected"
    MEETING_ANNOUNCED = "meeting.announced"
    MEETING_REMINDER = "meeting.reminder"
    MEETING_MOVED = "meeting.moved"
    MEETING_CANCELLED = "meeting.cancelled"
    MEETING_WAITLIST_PROMOTED = "meeting.waitlist_promoted"
    TOPIC_THRESHOLD = "topic.threshold"
    TOPIC_SCHEDULED = "topic.scheduled"
    TOPIC_DECLINED = "topic.declined"
    TOPIC_OUTCOME = "topic.outcome"  # a topic's resolution or result, to its followers
    RESOLUTION_DISCLOSED = "resolution.disclosed"
    RESULT_DISCLOSED = "result.disclosed"
    MATTER_STAGE_DISCLOSED = "matter.stage_disclosed"
    NOTICE_BROADCAST = "notice.broadcast"
    DIGEST_MONTHLY = "digest.monthly"
    JOIN_REQUESTED = "join.requested"
    JOIN_APPROVED = "join.approved"
    JOIN_REJECTED = "join.rejected"
    CONVERSATION_EXPIRED = "conversation.expired"
    CARE_VISITS_DUE = "care.visits_due"  # to the grid worker: who is to be visited
    CARE_VISIT_OVERDUE = "care.visit_overdue"  # to the cadres: a visit late past the margin
    CARE_VISIT_FLAGGED = "care.visit_flagged"  # to the secretary: a problem found, or 需要帮助 twice
    REPLY_FALLBACK = "reply.fallback"  # a direct reply Telegram kept refusing, sent later
    PARKED_SUMMARY = "parked.summary"  # WeChat: many parked messages, summarised in one when the person returns
    UNCLASSIFIED = "unclassified"  # only rows queued before kinds were recorded (migration 0009)


@dataclass(frozen=True)
class KindTraits:
    """How a kind of message is treated when delivery is hard.

    `important`: if the person cannot be reached, the cadres should follow up (a call or a visit).
    `resend_safe`: seeing it twice does no harm, so it may be sent again after an unknown outcome
    (a timeout after the request left); bulk and money/score messages are not, since a second copy
    reads as a second event or spends a scarce quota.
    """

    important: bool
    resend_safe: bool


KIND_TRAITS: Mapping[MessageKind, KindTraits] = {
    MessageKind.REPORT_ASSIGNED: KindTraits(important=True, resend_safe=True),
    MessageKind.REPORT_STATUS_CHANGED: KindTraits(important=True, resend_safe=True),
    MessageKind.REPORT_FILED_FOR: KindTraits(important=False, resend_safe=True),
    MessageKind.REPORT_ALERT: KindTraits(important=True, resend_safe=True),
    MessageKind.REPORT_RATING_NOTE: KindTraits(important=False, resend_safe=True),
    MessageKind.REPORT_REMINDER: KindTraits(important=False, resend_safe=True),
    MessageKind.REPORT_ESCALATED: KindTraits(important=True, resend_safe=True),
    MessageKind.REPORT_FEEDBACK_REQUESTED: KindTraits(important=False, resend_safe=True),
    MessageKind.SCORE_PUBLISHED: KindTraits(important=True, resend_safe=False),
    MessageKind.SCORE_REVISED: KindTraits(important=True, resend_safe=False),
    MessageKind.ASSESSMENT_REMINDER: KindTraits(important=False, resend_safe=True),
    MessageKind.REWARD_NOTICE: KindTraits(important=True, resend_safe=False),
    MessageKind.APPEAL_FILED: KindTraits(important=True, resend_safe=True),
    MessageKind.APPEAL_DECIDED: KindTraits(important=True, resend_safe=True),
    MessageKind.RECTIFICATION_REPORTED: KindTraits(important=False, resend_safe=True),
    MessageKind.RECTIFICATION_INSPECTED: KindTraits(important=True, resend_safe=True),
    MessageKind.MEETING_ANNOUNCED: KindTraits(important=False, resend_safe=False),
    MessageKind.MEETING_REMINDER: KindTraits(important=False, resend_safe=True),
    MessageKind.MEETING_MOVED: KindTraits(important=True, resend_safe=True),
    MessageKind.MEETING_CANCELLED: KindTraits(important=True, resend_safe=True),
    MessageKind.MEETING_WAITLIST_PROMOTED: KindTraits(important=True, resend_safe=True),
    MessageKind.TOPIC_THRESHOLD: KindTraits(important=True, resend_safe=True),
    MessageKind.TOPIC_SCHEDULED: KindTraits(important=False, resend_safe=True),
    MessageKind.TOPIC_DECLINED: KindTraits(important=False, resend_safe=True),
    MessageKind.TOPIC_OUTCOME: KindTraits(important=False, resend_safe=True),
    MessageKind.RESOLUTION_DISCLOSED: KindTraits(important=False, resend_safe=False),
    MessageKind.RESULT_DISCLOSED: KindTraits(important=False, resend_safe=False),
    MessageKind.MATTER_STAGE_DISCLOSED: KindTraits(important=False, resend_safe=False),
    # 紧急 notices are queued as important.
    MessageKind.NOTICE_BROADCAST: KindTraits(important=False, resend_safe=False),
    MessageKind.DIGEST_MONTHLY: KindTraits(important=False, resend_safe=False),
    MessageKind.JOIN_REQUESTED: KindTraits(important=True, resend_safe=True),
    MessageKind.JOIN_APPROVED: KindTraits(important=True, resend_safe=True),
    MessageKind.JOIN_REJECTED: KindTraits(important=True, resend_safe=True),
    MessageKind.CONVERSATION_EXPIRED: KindTraits(important=False, resend_safe=True),
    MessageKind.CARE_VISITS_DUE: KindTraits(important=False, resend_safe=True),
    MessageKind.CARE_VISIT_OVERDUE: KindTraits(important=True, resend_safe=True),
    MessageKind.CARE_VISIT_FLAGGED: KindTraits(important=True, resend_safe=True),
    MessageKind.REPLY_FALLBACK: KindTraits(important=False, resend_safe=True),
    # Queued as important when one of the messages it stands for is.
    MessageKind.PARKED_SUMMARY: KindTraits(important=False, resend_safe=True),
    # Unknown content: have a person follow up rather than miss it, and never risk a duplicate.
    MessageKind.UNCLASSIFIED: KindTraits(important=True, resend_safe=False),
}


# The formal monthly items: on WeChat they may go by mass send (4 per person per month) when nothing else can.
MONTHLY_FORMAL_KINDS = frozenset({MessageKind.SCORE_PUBLISHED, MessageKind.REWARD_NOTICE, MessageKind.DIGEST_MONTHLY})


class DeliveryRoute(StrEnum):
    """How a sent message went out; the delivery report counts each."""

    TELEGRAM = "telegram"
    CUSTOMER_SERVICE = "custom"  # WeChat: a customer-service message inside the person's window
    SUBSCRIPTION = "subscription"  # WeChat: a subscription notification (a teaser opening the full text)
    TEMPLATE = "template"  # WeChat: a template message (a teaser)
    MASS = "mass"  # WeChat: a mass send (formal monthly items)
    SUMMARY = "summary"  # WeChat: parked, then delivered in a summary when the person wrote again


class Priority(IntEnum):
    """Lower goes first: a notice about your own report never waits behind a broadcast."""

    URGENT = 0
    NORMAL = 5
    BULK = 9


@dataclass(frozen=True)
class NewMessage:
    """A message to queue for one identity.

    `important` and `resend_safe` default to the kind's traits (`KIND_TRAITS`); a caller may
    raise `important` for one message (an urgent notice).
    """

    key: str
    identity_id: int
    payload: Mapping[str, Any]
    priority: Priority = Priority.NORMAL
    not_before: datetime | None = None
    batch: str | None = None
    kind: MessageKind = field(kw_only=True)
    important: bool | None = field(default=None, kw_only=True)
    resend_safe: bool | None = field(default=None, kw_only=True)

    @property
    def traits(self) -> KindTraits:
        """Return the message's traits: the kind's, with this message's overrides."""
        default = KIND_TRAITS[self.kind]
        return KindTraits(important=default.important if self.important is None else self.important,
                          resend_safe=default.resend_safe if self.resend_safe is None else self.resend_safe)


@dataclass(frozen=True)
class OutboxItem:
    """A queued message as stored."""

    id: int
    key: str
    identity_id: int
    payload: Mapping[str, Any]
    priority: int
    status: OutboxStatus
    not_before: datetime
    attempts: int
    created_at: datetime
    batch: str | None = None
    resent: bool = False
    sent_at: datetime | None = None
    last_error: str | None = None
    channel: str = ""
    chat_ref: str = ""
    unreachable: bool = False
    kind: MessageKind = MessageKind.UNCLASSIFIED
    important: bool = True
    resend_safe: bool = False
    person_id: int | None = None  # whom the identity belongs to: the message may go to their other account

    @property
    def recipient(self) -> str:
        """Return whom the message is for: the person (on whichever account), else the lone account."""
        return f"p{self.person_id}" if self.person_id is not None else f"i{self.identity_id}"


# Kinds that answer in the chat the person wrote in: they stay on that account (no routing by person).
CHAT_BOUND_KINDS = frozenset({MessageKind.REPLY_FALLBACK, MessageKind.CONVERSATION_EXPIRED})


@dataclass(frozen=True)
class BatchProgress:
    """Delivery figures for one batch (a broadcast), or for the whole outbox."""

    total: int
    sent: int
    failed: int
    blocked: int
    pending: int
    waiting: int  # pending, but held back (quiet hours or retry back-off)
    resent: int  # sent again after a crash: may have arrived twice
    parked: int = 0  # out of the channel's reach for now (WeChat): sent when the person next writes
    routes: Mapping[str, int] = field(default_factory=dict, kw_only=True)  # sent messages by `DeliveryRoute` value


class QuietHours(BaseModel):
    """No optional message between `start` and `end`, local time; it waits until `end`."""

    model_config = ConfigDict(frozen=True)

    start: time = time(21, 0)
    end: time = time(8, 0)

    def contains(self, local: time) -> bool:
        """Tell whether the local wall-clock time falls inside the quiet hours."""
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def release_time(self, moment: datetime, zone: ZoneInfo) -> datetime:
        """Return when an optional message due at `moment` may go: `moment`, or the end of quiet hours."""
        local = moment.astimezone(zone)
        if not self.contains(local.timetz().replace(tzinfo=None)):
            return moment
        end = datetime.combine(local.date(), self.end, tzinfo=zone)
        if end <= local:
            end += timedelta(days=1)
        return end.astimezone(moment.tzinfo)


def retry_delay(attempts: int) -> timedelta:
    """Back off after a failed send: 5 s, 10 s, 20 s, ... capped at 10 minutes."""
    return timedelta(seconds=min(5 * 2 ** max(attempts - 1, 0), 600))


class OutboxService:
    """Queue messages in the caller's transaction; optional ones wait out the quiet hours."""

    def __init__(self, store: Store, clock: Clock, quiet_hours: QuietHours, zone: ZoneInfo) -> None:
        self._store = store
        self._clock = clock
        self._quiet_hours = quiet_hours
        self._zone = zone

    async def enqueue_many(self, messages: Sequence[NewMessage], *, optional: bool = False) -> int:
        """Queue many messages in a few statements (a broadcast); return how many keys were new."""
        now = self._clock.now()
        return await self._store.outbox.add_many([self._timed(m, now, optional) for m in messages], now)

    def _timed(self, message: NewMessage, now: datetime, optional: bool) -> NewMessage:
        """Set when the message may go: not in the past, and for optional ones not in quiet hours."""
        not_before = max(message.not_before or now, now)
        if optional:
            not_before = self._quiet_hours.release_time(not_before, self._zone)
        return replace(message, not_before=not_before)

    async def progress(self, batch: str | None) -> BatchProgress:
        """Return delivery figures for a batch, or for everything when `batch` is None."""
        return await self._store.outbox.progress(batch, self._clock.now())
