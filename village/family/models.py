"""Family links and invites: who is linked to which household, and the rules on codes and caps."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

# A /start argument (Telegram) or a QR scene (WeChat) carries `fam-<code>`; both allow these characters.
CODE_PREFIX = "fam-"
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
CODE_LENGTH = 10


class Relation(StrEnum):
    """How the relative is related to the household (子女/配偶/亲属/其他)."""

    CHILD = "child"
    SPOUSE = "spouse"
    RELATIVE = "relative"
    OTHER = "other"


class LinkStatus(StrEnum):
    """A link's life: asked for by the relative, confirmed by the household, ended by anyone entitled."""

    PENDING = "pending"
    ACTIVE = "active"
    REMOVED = "removed"


class FamilyPolicy(BaseModel):
    """`[family]`: how many relatives a household may link, and how long an invite code lasts."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_members: int = Field(default=3, ge=1, le=20)
    invite_hours: float = Field(default=72, gt=0, le=24 * 30)

    @property
    def invite_validity(self) -> timedelta:
        """Return how long a fresh invite code may be used."""
        return timedelta(hours=self.invite_hours)


@dataclass(frozen=True)
class FamilyInvite:
    """A one-use code a household gives a relative; `used_at` is set once a relative opens it."""

    id: int
    code: str
    household_id: int
    village_id: int
    created_by: int | None
    expires_at: datetime
    used_at: datetime | None = None

    def is_open(self, now: datetime) -> bool:
        """Tell whether the code may still be used."""
        return self.used_at is None and now < self.expires_at

    @property
    def start_argument(self) -> str:
        """Return what a deep link or QR scene carries: `fam-<code>`."""
        return CODE_PREFIX + self.code


@dataclass(frozen=True)
class FamilyLink:
    """A relative's link to a household; `person_id` is set once the household confirms it."""

    id: int
    household_id: int
    village_id: int
    identity_id: int
    name: str
    relation: Relation
    status: LinkStatus
    invited_by: int | None
    created_at: datetime
    person_id: int | None = None
    confirmed_by: int | None = None
    confirmed_at: datetime | None = None
    removed_by: int | None = None
    removed_at: datetime | None = None


@dataclass(frozen=True)
class FamilyMember:
    """A linked relative as other features see them (the care list's overdue message names them)."""

    link_id: int
    person_id: int
    name: str
    relation: Relation
    identity_id: int


@dataclass(frozen=True)
class HouseholdMatch:
    """A household a cadre found by a member's name or its number, to act for it (invite, confirm)."""

    household_id: int
    label: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class Deputy:
    """Who acted for a household: shown as 由 李明（子女）代 张三家 提交 on what they filed."""

    name: str
    relation: Relation
    household: str


def new_family_code() -> str:
    """Return a fresh random code, hard to guess and safe in a deep link."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(CODE_LENGTH))


def looks_like_family_code(argument: str) -> bool:
    """Tell whether a /start argument or QR scene is a family invite (`fam-<code>`)."""
    code = family_code_of(argument)
    return code is not None and len(code) == CODE_LENGTH and all(c in _ALPHABET for c in code)


def family_code_of(argument: str) -> str | None:
    """Return the code inside `fam-<code>`, or None when the argument is something else."""
    return argument[len(CODE_PREFIX):] if argument.startswith(CODE_PREFIX) else None


MAX_NAME_LENGTH = 20


def is_full(active_or_pending: int, policy: FamilyPolicy) -> bool:
    """Tell whether a household already has as many relatives as it may link."""
    return active_or_pending >= policy.max_members
