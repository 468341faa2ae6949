"""Notices as values: categories and their rules, audiences, drafts, and delivery figures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from village.errors import ErrorCode, InvalidInputError
from village.media import MediaKind
from village.outbox import BatchProgress, Priority
from village.people import Actor
from village.roles import Role


class NoticeCategory(StrEnum):
    """What kind of notice it is; decides muting, quiet hours and who may read it later."""

    PUBLIC_AFFAIRS = "public"  # 村务公开: stays readable by every member of the village
    NOTICE = "notice"  # 通知
    ACTIVITY = "activity"  # 活动: optional, residents may mute it
    URGENT = "urgent"  # 紧急: goes out at once, also in quiet hours


def is_mutable(category: NoticeCategory) -> bool:
    """Tell whether residents may mute the category (activities only; official notices never)."""
    return category is NoticeCategory.ACTIVITY


def waits_for_quiet_hours(category: NoticeCategory) -> bool:
    """Tell whether a notice of this category composed in quiet hours waits until they end."""
    return category is not NoticeCategory.URGENT


def is_important(category: NoticeCategory) -> bool:
    """Tell whether a notice must reach everyone, by a cadre's call if the channel cannot: only urgent ones."""
    return category is NoticeCategory.URGENT


def delivery_priority(category: NoticeCategory) -> Priority:
    """Return the outbox priority: broadcasts go after messages to individuals, except urgent ones."""
    return Priority.NORMAL if category is NoticeCategory.URGENT else Priority.BULK


class AudienceKind(StrEnum):
    """Whom a notice goes to."""

    VILLAGE = "village"
    GRIDS = "grids"
    GROUPS = "groups"
    ROLES = "roles"
    MEETING = "meeting"  # the sign-ups of one meeting (consultation capability)


# Roles a notice may be addressed to.
AUDIENCE_ROLES = (Role.HOUSEHOLD_HEAD, Role.REPRESENTATIVE, Role.GROUP_LEADER, Role.GRID_WORKER, Role.CADRE,
                  Role.SUPERVISOR)


@dataclass(frozen=True)
class Audience:
    """An audience: the whole village, chosen grids or groups (`ids`), roles, or a meeting (`ids[0]`)."""

    kind: AudienceKind
    ids: tuple[int, ...] = ()
    roles: tuple[Role, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """Return the audience as stored."""
        return {"kind": self.kind.value, "ids": list(self.ids), "roles": [r.value for r in self.roles]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Audience:
        """Rebuild a stored audience."""
        return cls(AudienceKind(data["kind"]), tuple(int(i) for i in data.get("ids", ())),
                   tuple(Role(r) for r in data.get("roles", ())))


def check_audience(audience: Audience) -> None:
    """Refuse an audience whose choice is empty or malformed (before looking anything up)."""
    kind = audience.kind
    if kind is AudienceKind.VILLAGE and (audience.ids or audience.roles):
        raise InvalidInputError(field="audience")
    if kind in (AudienceKind.GRIDS, AudienceKind.GROUPS) and not audience.ids:
        raise InvalidInputError(ErrorCode.AUDIENCE_EMPTY)
    if kind is AudienceKind.ROLES and (not audience.roles or not set(audience.roles) <= set(AUDIENCE_ROLES)):
        raise InvalidInputError(ErrorCode.AUDIENCE_EMPTY)
    if kind is AudienceKind.MEETING and len(audience.ids) != 1:
        raise InvalidInputError(ErrorCode.AUDIENCE_EMPTY)


@dataclass(frozen=True)
class NoticeAttachment:
    """A photo or file sent with a notice, by our media id."""

    kind: MediaKind
    media_id: int
    file_name: str | None = None

    def as_json(self) -> dict[str, Any]:
        """Return the attachment as stored."""
        return {"kind": self.kind.value, "media_id": self.media_id, "file_name": self.file_name}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> NoticeAttachment:
        """Rebuild a stored attachment."""
        return cls(MediaKind(data["kind"]), int(data["media_id"]), data.get("file_name"))


# Files a notice may carry besides photos: PDF and Excel.
DOCUMENT_TYPES = {
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}


def allowed_document(mime_type: str | None, file_name: str | None) -> bool:
    """Tell whether a file is a PDF or an XLSX, by its type or else its name."""
    if mime_type in DOCUMENT_TYPES:
        return True
    suffix = "." + (file_name or "").rsplit(".", 1)[-1].lower() if "." in (file_name or "") else ""
    return suffix in DOCUMENT_TYPES.values()


@dataclass(frozen=True)
class NoticeDraft:
    """A notice as composed, before it is published; `translations` maps a locale to its text."""

    village_id: int
    category: NoticeCategory
    text: str
    audience: Audience
    attachment: NoticeAttachment | None = None
    translations: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ProgressMessage:
    """The author's message that shows a notice's delivery progress, edited as the outbox drains."""

    channel: str
    chat_ref: str
    message_ref: str
    locale: str


@dataclass(frozen=True)
class Notice:
    """A published notice."""

    id: int
    village_id: int
    author_person_id: int | None
    category: NoticeCategory
    text: str
    audience: Audience
    recipients: int  # people addressed, whether or not they use the bot
    created_at: datetime
    attachment: NoticeAttachment | None = None
    translations: Mapping[str, str] = field(default_factory=dict)
    progress_message: ProgressMessage | None = None
    finished_at: datetime | None = None

    @property
    def batch(self) -> str:
        """Return the outbox batch of the notice's deliveries."""
        return batch_of(self.id)

    def text_for(self, locale: str) -> str:
        """Return the text in `locale` when a translation was given, else the original."""
        return self.translations.get(locale) or self.text


def batch_of(notice_id: int) -> str:
    """Return the outbox batch name of a notice."""
    return f"notice:{notice_id}"


@dataclass(frozen=True)
class AudienceCount:
    """How many an audience reaches: people, their accounts on the bot, and accounts muting it."""

    people: int
    accounts: int
    muted: int


@dataclass(frozen=True)
class NoticePage:
    """One page of a list of notices; `figures` holds each one's delivery figures when asked for."""

    items: tuple[Notice, ...]
    total: int
    page: int
    pages: int
    figures: tuple[BatchProgress, ...] = ()


@dataclass(frozen=True)
class NoticeFigures:
    """A village's notices in one month: how many, of which kinds, and their reach."""

    notices: int
    by_category: Mapping[NoticeCategory, int]
    people: int
    delivery: BatchProgress


@dataclass(frozen=True)
class MeetingChoice:
    """A meeting a notice may be addressed to (its sign-ups)."""

    id: int
    title: str
    starts_at: datetime


class MeetingAudience(Protocol):
    """What notices need from the consultation capability to address a meeting's sign-ups."""

    async def meeting_choices(self, actor: Actor, village_id: int) -> Sequence[MeetingChoice]:
        """Return the village's meetings whose sign-ups may be addressed."""
        ...

    async def signed_up_people(self, actor: Actor, meeting_id: int) -> Sequence[int]:
        """Return the ids of the people signed up; refuse a meeting outside the actor's village."""
        ...


class NoticePolicy(BaseModel):
    """Notices: how long a text may be, how often progress is shown, and the archive's page size."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_text_length: int = Field(default=2000, ge=50, le=4000)
    progress_seconds: float = Field(default=2.0, gt=0, le=60)
    page_size: int = Field(default=5, ge=1, le=10)
