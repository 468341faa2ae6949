"""Domain errors: a code and parameters, rendered to text by the handlers' catalogue.

    VillageError
    ├── NotBoundError            the person has not joined yet
    ├── PermissionDeniedError    the actor may not do this
    ├── NotFoundError            the thing does not exist (or is in another village)
    ├── InvalidInputError        a value broke a rule; `field` names it
    ├── ConflictError            the thing is in a state that forbids this
    └── ImportRejectedError      a bulk import had bad rows; nothing was written
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """Every reason the domain can refuse something; each has a message in the catalogue."""

    NOT_BOUND = "not_bound"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    INVALID_INPUT = "invalid_input"
    CONFLICT = "conflict"
    IMPORT_REJECTED = "import_rejected"
    CONTACT_NOT_OWN = "contact_not_own"
    INVITE_UNKNOWN = "invite_unknown"
    INVITE_EXPIRED = "invite_expired"
    HOUSEHOLD_FULL = "household_full"
    MEMBER_ALREADY_BOUND = "member_already_bound"
    REQUEST_ALREADY_DECIDED = "request_already_decided"
    REQUEST_PENDING = "request_pending"
    NAME_INVALID = "name_invalid"
    UNKNOWN_VILLAGE = "unknown_village"
    UNKNOWN_PERSON = "unknown_person"
    UNKNOWN_ROLE = "unknown_role"
    ROW_MISSING = "row_missing"
    ROW_BAD_VILLAGE_CODE = "row_bad_village_code"
    ROW_BAD_PHONE = "row_bad_phone"
    ROW_BAD_NAME = "row_bad_name"
    ROW_UNKNOWN_ROLE = "row_unknown_role"
    ROW_DUPLICATE_PHONE = "row_duplicate_phone"
    ROW_DUPLICATE_PERSON = "row_duplicate_person"
    ROW_PHONE_ELSEWHERE = "row_phone_elsewhere"
    ROW_PLACE_CONFLICT = "row_place_conflict"
    ROW_TWO_HEADS = "row_two_heads"
    ROW_HOUSEHOLD_REQUIRED = "row_household_required"
    ROW_GRID_REQUIRED = "row_grid_required"
    ROW_STAFF_PHONE_REQUIRED = "row_staff_phone_required"
    MEDIA_TOO_LARGE = "media_too_large"
    MEDIA_UNSUPPORTED = "media_unsupported"
    BAD_HEADER = "bad_header"
    EMPTY_FILE = "empty_file"
    # --- notices ---
    NOTICE_EMPTY = "notice_empty"
    NOTICE_TOO_LONG = "notice_too_long"
    NOTICE_FILE_TYPE = "notice_file_type"
    AUDIENCE_EMPTY = "audience_empty"
    AUDIENCE_NOBODY = "audience_nobody"
    AUDIENCE_UNAVAILABLE = "audience_unavailable"
    CATEGORY_NOT_MUTABLE = "category_not_mutable"


class VillageError(Exception):
    """A rule said no. `code` picks the message; `params` fill it."""

    default_code = ErrorCode.CONFLICT

    def __init__(self, code: ErrorCode | None = None, /, **params: Any) -> None:
        self.code = code or self.default_code
        self.params: Mapping[str, Any] = params
        super().__init__(f"{self.code}: {params}" if params else str(self.code))


class NotBoundError(VillageError):
    """The person must join before doing this."""

    default_code = ErrorCode.NOT_BOUND


class PermissionDeniedError(VillageError):
    """The actor lacks the role, or the thing belongs to another village or group."""

    default_code = ErrorCode.PERMISSION_DENIED


class NotFoundError(VillageError):
    """No such thing within the actor's reach."""

    default_code = ErrorCode.NOT_FOUND


class InvalidInputError(VillageError):
    """A value broke a rule."""

    default_code = ErrorCode.INVALID_INPUT


class ConflictError(VillageError):
    """The thing's current state forbids the action."""

    default_code = ErrorCode.CONFLICT


@dataclass(frozen=True)
class RowError:
    """One bad row of a bulk import: its number as the user counts (header is row 1)."""

    row: int
    code: ErrorCode
    params: Mapping[str, Any] = field(default_factory=dict)


class ImportRejectedError(VillageError):
    """A bulk import found bad rows; it wrote nothing."""

    default_code = ErrorCode.IMPORT_REJECTED

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = tuple(errors)
        super().__init__(count=len(self.errors))
