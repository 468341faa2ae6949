"""The message for every domain error code: the one place refusals get their words."""

from __future__ import annotations

from handlers.replies import Reply
from handlers.texts import Text, _
from village.errors import ErrorCode, RowError, VillageError

MESSAGES: dict[ErrorCode, Text] = {
    ErrorCode.NOT_BOUND: _("Please join first: send /start and share your phone number."),
    ErrorCode.PERMISSION_DENIED: _("Sorry, you are not allowed to do that."),
    ErrorCode.NOT_FOUND: _("Sorry, that could not be found. It may have been removed."),
    ErrorCode.INVALID_INPUT: _("Sorry, that is not valid. Please check and try again."),
    ErrorCode.CONFLICT: _("Sorry, that cannot be done now. Its state has changed."),
    ErrorCode.IMPORT_REJECTED: _("The file has {count} problem(s); nothing was changed."),
    ErrorCode.CONTACT_NOT_OWN: _("Please share your own phone number with the button below, not someone else's."),
    ErrorCode.INVITE_UNKNOWN: _("This invite code is not valid. Please check the card, or share your phone number."),
    ErrorCode.INVITE_EXPIRED: _("This invite card has expired. Please ask the village office for a new one."),
    ErrorCode.HOUSEHOLD_FULL: _("Everyone in this household has already joined."),
    ErrorCode.MEMBER_ALREADY_BOUND: _("That member has already joined. Please choose yourself from the list."),
    ErrorCode.REQUEST_ALREADY_DECIDED: _("This request has already been decided."),
    ErrorCode.REQUEST_PENDING: _("Your request is waiting for the village office. We will tell you the result."),
    ErrorCode.NAME_INVALID: _("Please type your real name, in words only (at most 20 characters)."),
    ErrorCode.UNKNOWN_VILLAGE: _("There is no village with the code {code}."),
    ErrorCode.UNKNOWN_PERSON: _("Nobody in the roster has the phone number {phone}."),
    ErrorCode.UNKNOWN_ROLE: _("Unknown role: {value}."),
    ErrorCode.ROW_MISSING: _("the column {column} is missing or empty"),
    ErrorCode.ROW_BAD_VILLAGE_CODE: _("the village code {value} is not valid (letters and digits, e.g. FX01)"),
    ErrorCode.ROW_BAD_PHONE: _("the phone number {value} is not valid"),
    ErrorCode.ROW_BAD_NAME: _("the name must be 1 to 20 characters"),
    ErrorCode.ROW_UNKNOWN_ROLE: _("unknown role {value}"),
    ErrorCode.ROW_DUPLICATE_PHONE: _("the same phone number is already on row {other}"),
    ErrorCode.ROW_DUPLICATE_PERSON: _("the same person in the same household is already on row {other}"),
    ErrorCode.ROW_PHONE_ELSEWHERE: _("this phone number belongs to someone in village {village}"),
    ErrorCode.ROW_PLACE_CONFLICT: _("the {column} differs from row {other} for the same place"),
    ErrorCode.ROW_TWO_HEADS: _("the household already has a head on row {other}"),
    ErrorCode.ROW_HOUSEHOLD_REQUIRED: _("a resident needs a household, group and grid"),
    ErrorCode.ROW_GRID_REQUIRED: _("a grid worker needs a grid"),
    ErrorCode.ROW_STAFF_PHONE_REQUIRED: _("someone without a household needs a phone number"),
    ErrorCode.MEDIA_TOO_LARGE: _("That file is too large (at most {limit_mb} MB). Please send a smaller one."),
    ErrorCode.MEDIA_UNSUPPORTED: _("Sorry, that kind of file cannot be used here."),
    ErrorCode.BAD_HEADER: _("the header row lacks the column(s): {columns}"),
    ErrorCode.EMPTY_FILE: _("the file has no rows"),
    # --- notices ---
    ErrorCode.NOTICE_EMPTY: _("Please type the text of the notice."),
    ErrorCode.NOTICE_TOO_LONG: _("The text is too long (at most {limit} characters). Please shorten it."),
    ErrorCode.NOTICE_FILE_TYPE: _("Please send a photo, a PDF or an Excel (XLSX) file."),
    ErrorCode.AUDIENCE_EMPTY: _("Please choose at least one, then tap Done."),
    ErrorCode.AUDIENCE_NOBODY: _("Nobody is in this audience. Please choose another."),
    ErrorCode.AUDIENCE_UNAVAILABLE: _("Sending to a meeting's sign-ups is not available."),
    ErrorCode.CATEGORY_NOT_MUTABLE: _("Official and urgent notices cannot be muted."),
}


def error_text(error: VillageError) -> Text:
    """Return the message for a domain error, its parameters filled in."""
    message = MESSAGES[error.code]
    return Text(message.msgid, tuple((k, str(v)) for k, v in error.params.items()))


def row_error_text(error: RowError) -> Text:
    """Return `Row N: reason` for one bad import row."""
    reason = MESSAGES[error.code]
    reason = Text(reason.msgid, tuple((k, str(v)) for k, v in error.params.items()))
    return _("Row {row}: {reason}", row=error.row, reason=reason)


def error_reply(error: VillageError) -> Reply:
    """Return a reply telling the person why not."""
    return Reply(error_text(error))
