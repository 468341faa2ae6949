"""Domain errors: a code and parameters, rendered to text by the handlers' catalogue.

    VillageError
    ├── NotBoundError            the person has not joined yet
    ├── PermissionDeniedError    the actor may not do this
    ├── NotFoundError            the thing does not exist (or is in another village)
    ├── InvalidInputError        a value broke a rule; `field` names it
    ├── ConflictError            the thing is in a state that forbids this
    │   └── ReportLimitError     a person filed the most reports allowed in a day
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
    REQUEST_PHONE_ELSEWHERE = "request_phone_elsewhere"
    REQUEST_PERSON_JOINED = "request_person_joined"
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
    ROW_FORMULA = "row_formula"
    MEDIA_TOO_LARGE = "media_too_large"
    MEDIA_UNSUPPORTED = "media_unsupported"
    BAD_HEADER = "bad_header"
    EMPTY_FILE = "empty_file"
    # --- reports ---
    REPORT_WRONG_STATE = "report_wrong_state"
    REPORT_TEXT_EMPTY = "report_text_empty"
    REPORT_TEXT_NO_WORDS = "report_text_no_words"
    REPORT_TEXT_TOO_LONG = "report_text_too_long"
    REPORT_DAILY_LIMIT = "report_daily_limit"
    REPORT_TOO_MANY_PHOTOS = "report_too_many_photos"
    REPORT_UNKNOWN_CATEGORY = "report_unknown_category"
    REPORT_NO_DESCRIPTION = "report_no_description"
    REPORT_NOT_OPEN = "report_not_open"
    REPORT_MERGE_SELF = "report_merge_self"
    REPORT_BAD_ASSIGNEE = "report_bad_assignee"
    REPORT_UNKNOWN_CODE = "report_unknown_code"
    # --- convention ---
    NO_CONVENTION = "no_convention"
    CONVENTION_UNKNOWN_GROUP = "convention_unknown_group"
    CONVENTION_NO_HOUSEHOLD = "convention_no_household"
    OWN_HOUSEHOLD = "own_household"
    CONVENTION_NO_GROUP = "convention_no_group"
    CONVENTION_WRONG_PERIOD = "convention_wrong_period"
    CONVENTION_UNKNOWN_CLAUSE = "convention_unknown_clause"
    DEDUCTION_TOO_LARGE = "deduction_too_large"
    CONVENTION_REASON_REQUIRED = "convention_reason_required"
    CONVENTION_TEXT_TOO_LONG = "convention_text_too_long"
    ASSESSMENT_PUBLISHED = "assessment_published"
    NOTHING_TO_PUBLISH = "nothing_to_publish"
    MISSING_HOUSEHOLDS = "missing_households"
    APPEAL_TOO_LATE = "appeal_too_late"
    APPEAL_PENDING = "appeal_pending"
    APPEAL_DECIDED = "appeal_decided"
    RECTIFICATION_CLOSED = "rectification_closed"
    CONVENTION_BAD_VALUE = "convention_bad_value"
    CONVENTION_DUPLICATE_CLAUSE = "convention_duplicate_clause"
    CONVENTION_THRESHOLDS = "convention_thresholds"
    CONVENTION_PASSING_FACES = "convention_passing_faces"
    ROW_UNKNOWN_VILLAGE = "row_unknown_village"
    ROW_UNKNOWN_HOUSEHOLD = "row_unknown_household"
    ROW_UNKNOWN_CLAUSE = "row_unknown_clause"
    ROW_BAD_DEDUCTION = "row_bad_deduction"
    ROW_DEDUCTION_TOO_LARGE = "row_deduction_too_large"
    ROW_WRONG_PERIOD = "row_wrong_period"
    ROW_REASON_REQUIRED = "row_reason_required"
    ROW_ALREADY_PUBLISHED = "row_already_published"
    ROW_DUPLICATE_HOUSEHOLD = "row_duplicate_household"
    # --- consultation ---
    CONSULTATION_OUT_OF_SCOPE = "consultation_out_of_scope"
    CONSULTATION_TITLE_INVALID = "consultation_title_invalid"
    CONSULTATION_TEXT_INVALID = "consultation_text_invalid"
    TOPIC_NOT_OPEN = "topic_not_open"
    TOPIC_ALREADY_SUPPORTED = "topic_already_supported"
    TOPIC_NOT_SUPPORTED = "topic_not_supported"
    TOPIC_OWN = "topic_own"
    TOPIC_NEEDS_GROUP = "topic_needs_group"
    TOPIC_WRONG_SCOPE = "topic_wrong_scope"
    MEETING_TIME_IN_PAST = "meeting_time_in_past"
    MEETING_END_BEFORE_START = "meeting_end_before_start"
    MEETING_DEADLINE_AFTER_START = "meeting_deadline_after_start"
    MEETING_DEADLINE_PASSED = "meeting_deadline_passed"
    MEETING_CAPACITY_INVALID = "meeting_capacity_invalid"
    MEETING_CAPACITY_BELOW_SIGNUPS = "meeting_capacity_below_signups"
    MEETING_VENUE_INVALID = "meeting_venue_invalid"
    MEETING_NOT_PUBLISHED = "meeting_not_published"
    MEETING_CANCELLED = "meeting_cancelled"
    MEETING_SIGNUP_CLOSED = "meeting_signup_closed"
    MEETING_STARTED = "meeting_started"
    MEETING_NOT_STARTED = "meeting_not_started"
    MEETING_ALREADY_SIGNED_UP = "meeting_already_signed_up"
    MEETING_NOT_SIGNED_UP = "meeting_not_signed_up"
    MEETING_CHECKIN_CLOSED = "meeting_checkin_closed"
    MEETING_CHECKIN_TOO_MANY_TRIES = "meeting_checkin_too_many_tries"
    MEETING_CHECKIN_CODES_BLOCKED = "meeting_checkin_codes_blocked"
    MEETING_RESOLUTION_FIRST = "meeting_resolution_first"
    MEETING_ALREADY_DISCLOSED = "meeting_already_disclosed"
    MATTER_STAGE_OUT_OF_ORDER = "matter_stage_out_of_order"
    MATTER_COMPLETE = "matter_complete"
    MATTER_DATE_IN_FUTURE = "matter_date_in_future"
    MATTER_DATE_BEFORE_PREVIOUS = "matter_date_before_previous"
    MATTER_NO_REPRESENTATIVES = "matter_no_representatives"
    MATTER_QUORUM_NOT_MET = "matter_quorum_not_met"
    MATTER_MAJORITY_NOT_REACHED = "matter_majority_not_reached"
    MATTER_VOTES_INVALID = "matter_votes_invalid"
    # --- notices ---
    NOTICE_EMPTY = "notice_empty"
    NOTICE_TOO_LONG = "notice_too_long"
    NOTICE_FILE_TYPE = "notice_file_type"
    AUDIENCE_EMPTY = "audience_empty"
    AUDIENCE_NOBODY = "audience_nobody"
    CATEGORY_NOT_MUTABLE = "category_not_mutable"
    # --- care ---
    CARE_ALREADY_LISTED = "care_already_listed"
    CARE_PATROL_NO_PLACE = "care_patrol_no_place"
    CARE_ROW_BAD_CATEGORY = "care_row_bad_category"
    CARE_ROW_BAD_RHYTHM = "care_row_bad_rhythm"
    CARE_ROW_UNKNOWN_PERSON = "care_row_unknown_person"
    # --- family link ---
    FAMILY_CODE_UNKNOWN = "family_code_unknown"
    FAMILY_CODE_EXPIRED = "family_code_expired"
    FAMILY_FULL = "family_full"
    FAMILY_ALREADY_JOINED = "family_already_joined"
    FAMILY_NO_ROLES = "family_no_roles"
    FAMILY_LINK_CLOSED = "family_link_closed"


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


class ReportLimitError(ConflictError):
    """The person has filed as many reports today as allowed."""

    default_code = ErrorCode.REPORT_DAILY_LIMIT
