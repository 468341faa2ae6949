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
    ErrorCode.REQUEST_PHONE_ELSEWHERE: _("This phone number now belongs to someone in another village's roster, so "
                                         "the request cannot be approved here. Please reject it."),
    ErrorCode.REQUEST_PERSON_JOINED: _("{name} is now in the roster with this phone number and has already joined "
                                       "on another account. Please reject the request."),
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
    ErrorCode.ROW_FORMULA: _("the {column} {value} starts with = + - or @, so a spreadsheet would run it as a "
                             "formula"),
    ErrorCode.MEDIA_TOO_LARGE: _("That file is too large (at most {limit_mb} MB). Please send a smaller one."),
    ErrorCode.MEDIA_UNSUPPORTED: _("Sorry, that kind of file cannot be used here."),
    ErrorCode.BAD_HEADER: _("the header row lacks the column(s): {columns}"),
    ErrorCode.EMPTY_FILE: _("the file has no rows"),
    ErrorCode.REPORT_WRONG_STATE: _("Sorry, that cannot be done in the report's present state. It may have "
                                    "just been changed by someone else."),
    ErrorCode.REPORT_TEXT_EMPTY: _("Please type a few words."),
    ErrorCode.REPORT_TEXT_NO_WORDS: _("Please say it in words: an emoji alone does not tell us enough."),
    ErrorCode.REPORT_TEXT_TOO_LONG: _("That is too long ({length} characters). Please keep it within {limit} "
                                      "characters."),
    ErrorCode.REPORT_DAILY_LIMIT: _("You have already sent {limit} reports today, the most allowed in one day. "
                                    "Please try again tomorrow, or call the village office if it is urgent."),
    ErrorCode.REPORT_TOO_MANY_PHOTOS: _("At most {limit} photos can be added to one report."),
    ErrorCode.REPORT_UNKNOWN_CATEGORY: _("Please choose a kind of problem from the buttons."),
    ErrorCode.REPORT_NO_DESCRIPTION: _("Please describe the problem in words or with a voice message."),
    ErrorCode.REPORT_NOT_OPEN: _("That report is already finished."),
    ErrorCode.REPORT_MERGE_SELF: _("A report cannot be merged into itself."),
    ErrorCode.REPORT_BAD_ASSIGNEE: _("Please choose a grid worker or cadre of this village from the list."),
    ErrorCode.REPORT_UNKNOWN_CODE: _("There is no report {code} in this village."),
    # --- convention ---
    ErrorCode.NO_CONVENTION: _("The village has no convention yet. Please ask the village office."),
    ErrorCode.CONVENTION_UNKNOWN_GROUP: _("There is no group called {name} in this village."),
    ErrorCode.CONVENTION_NO_HOUSEHOLD: _("You are not registered in a household, so there is no household "
                                         "score to show."),
    ErrorCode.OWN_HOUSEHOLD: _("This is your own household ({household}). Nobody assesses, re-inspects or decides "
                               "an appeal about their own household: please ask another cadre to do it."),
    ErrorCode.CONVENTION_NO_GROUP: _("You are not registered in a villagers' group, so there is no group board "
                                     "to show."),
    ErrorCode.CONVENTION_WRONG_PERIOD: _("The period {value} is not valid here (use e.g. 2026-11, or 2026-Q4 for "
                                         "quarters; not in the future)."),
    ErrorCode.CONVENTION_UNKNOWN_CLAUSE: _("That clause is not part of the convention."),
    ErrorCode.DEDUCTION_TOO_LARGE: _("At most {points} points can be deducted for {clause}."),
    ErrorCode.CONVENTION_REASON_REQUIRED: _("Please give a reason."),
    ErrorCode.CONVENTION_TEXT_TOO_LONG: _("That text is too long (at most {limit} characters). Please make it "
                                          "shorter."),
    ErrorCode.ASSESSMENT_PUBLISHED: _("This result has already been published. It can only be changed by an "
                                      "appeal or a revision."),
    ErrorCode.NOTHING_TO_PUBLISH: _("There is nothing to publish: no household of this group has a draft."),
    ErrorCode.MISSING_HOUSEHOLDS: _("{count} household(s) are not assessed yet."),
    ErrorCode.APPEAL_TOO_LATE: _("Sorry, an appeal must be made within {days} days of publication."),
    ErrorCode.APPEAL_PENDING: _("An appeal against this result is already waiting for a decision."),
    ErrorCode.APPEAL_DECIDED: _("This appeal has already been decided."),
    ErrorCode.RECTIFICATION_CLOSED: _("This rectification task is already closed."),
    ErrorCode.CONVENTION_BAD_VALUE: _("the value of {field} is missing or not valid"),
    ErrorCode.CONVENTION_DUPLICATE_CLAUSE: _("the clause {name} appears twice (also clause {other})"),
    ErrorCode.CONVENTION_THRESHOLDS: _("the face thresholds must satisfy flat <= smile <= {full} (the full marks)"),
    ErrorCode.CONVENTION_PASSING_FACES: _("the passing faces must include smile, and flat if cry passes"),
    ErrorCode.ROW_UNKNOWN_VILLAGE: _("there is no village with the code {value}"),
    ErrorCode.ROW_UNKNOWN_HOUSEHOLD: _("there is no household {value} in this village"),
    ErrorCode.ROW_UNKNOWN_CLAUSE: _("the column {value} is not a clause of the convention"),
    ErrorCode.ROW_BAD_DEDUCTION: _("the deduction {value} for {clause} is not a whole number of points"),
    ErrorCode.ROW_DEDUCTION_TOO_LARGE: _("at most {points} points can be deducted for {clause}"),
    ErrorCode.ROW_WRONG_PERIOD: _("the period {value} is not valid for this village"),
    ErrorCode.ROW_REASON_REQUIRED: _("a deduction needs a reason"),
    ErrorCode.ROW_ALREADY_PUBLISHED: _("this household's result is already published"),
    ErrorCode.ROW_DUPLICATE_HOUSEHOLD: _("the same household and period is already on row {other}"),
    # --- consultation ---
    ErrorCode.CONSULTATION_OUT_OF_SCOPE: _("Sorry, this is only for the residents it concerns (its group or village)."),
    ErrorCode.CONSULTATION_TITLE_INVALID: _("Please type a short title of {min} to {max} characters."),
    ErrorCode.CONSULTATION_TEXT_INVALID: _("Please type the text: at least {min} and at most {max} characters."),
    ErrorCode.TOPIC_NOT_OPEN: _("This topic is no longer collecting supports."),
    ErrorCode.TOPIC_ALREADY_SUPPORTED: _("You have already supported this topic."),
    ErrorCode.TOPIC_NOT_SUPPORTED: _("You have not supported this topic."),
    ErrorCode.TOPIC_OWN: _("This is your own topic; it already counts as yours."),
    ErrorCode.TOPIC_NEEDS_GROUP: _("You are not in a villagers' group on the roster. Please choose a village "
                                   "topic instead."),
    ErrorCode.TOPIC_WRONG_SCOPE: _("This topic belongs to another group, so it cannot go on this meeting's agenda."),
    ErrorCode.MEETING_TIME_IN_PAST: _("That time has already passed. Please give a time in the future."),
    ErrorCode.MEETING_END_BEFORE_START: _("The end must be later than the start."),
    ErrorCode.MEETING_DEADLINE_AFTER_START: _("The sign-up deadline must not be later than the start."),
    ErrorCode.MEETING_DEADLINE_PASSED: _("The sign-up deadline has already passed. Please give a later one."),
    ErrorCode.MEETING_CAPACITY_INVALID: _("Please give a number of seats from 1 to {max}."),
    ErrorCode.MEETING_CAPACITY_BELOW_SIGNUPS: _("{count} people have already signed up, so there must be at least "
                                                "{count} seats."),
    ErrorCode.MEETING_VENUE_INVALID: _("Please type the place in {min} to {max} characters."),
    ErrorCode.MEETING_NOT_PUBLISHED: _("This meeting has not been published yet."),
    ErrorCode.MEETING_CANCELLED: _("This meeting has been cancelled."),
    ErrorCode.MEETING_SIGNUP_CLOSED: _("Sign-up for this meeting has closed."),
    ErrorCode.MEETING_STARTED: _("This meeting has already started, so it can no longer be changed."),
    ErrorCode.MEETING_NOT_STARTED: _("The meeting has not started yet. The resolution can be published once it "
                                     "has begun."),
    ErrorCode.MEETING_ALREADY_SIGNED_UP: _("You have already signed up for this meeting."),
    ErrorCode.MEETING_NOT_SIGNED_UP: _("You are not signed up for this meeting."),
    ErrorCode.MEETING_CHECKIN_CLOSED: _("Check-in for this meeting is not open now."),
    ErrorCode.MEETING_CHECKIN_TOO_MANY_TRIES: _("Too many wrong codes were typed. Please try again in an hour, or "
                                                "ask the organiser at the venue to tick you off the list."),
    ErrorCode.MEETING_CHECKIN_CODES_BLOCKED: _("Too many wrong codes were typed for this meeting, so it no longer "
                                               "takes codes. Please ask the organiser at the venue to tick you off "
                                               "the list."),
    ErrorCode.MEETING_RESOLUTION_FIRST: _("Please publish the meeting's resolution first."),
    ErrorCode.MEETING_ALREADY_DISCLOSED: _("This has already been published."),
    ErrorCode.MATTER_STAGE_OUT_OF_ORDER: _("The stages must be recorded in order, and none may be skipped."),
    ErrorCode.MATTER_COMPLETE: _("All six stages of this matter are already recorded."),
    ErrorCode.MATTER_DATE_IN_FUTURE: _("The date cannot be in the future."),
    ErrorCode.MATTER_DATE_BEFORE_PREVIOUS: _("The date cannot be earlier than the previous stage's."),
    ErrorCode.MATTER_NO_REPRESENTATIVES: _("The roster has no villagers' representatives for this village."),
    ErrorCode.MATTER_QUORUM_NOT_MET: _("Not valid: more than two thirds of the village's {total} representatives "
                                       "must attend. {present} attended; at least {needed} are needed."),
    ErrorCode.MATTER_MAJORITY_NOT_REACHED: _("Not passed: more than half of the {present} representatives present "
                                             "must vote for it. {votes} voted for; at least {needed} are needed."),
    ErrorCode.MATTER_VOTES_INVALID: _("The votes do not add up: only {present} representatives were present."),
    # --- notices ---
    ErrorCode.NOTICE_EMPTY: _("Please type the text of the notice."),
    ErrorCode.NOTICE_TOO_LONG: _("The text is too long (at most {limit} characters). Please shorten it."),
    ErrorCode.NOTICE_FILE_TYPE: _("Please send a photo, a PDF or an Excel (XLSX) file."),
    ErrorCode.AUDIENCE_EMPTY: _("Please choose at least one, then tap Done."),
    ErrorCode.AUDIENCE_NOBODY: _("Nobody is in this audience. Please choose another."),
    ErrorCode.CATEGORY_NOT_MUTABLE: _("Official and urgent notices cannot be muted."),
    ErrorCode.CARE_ALREADY_LISTED: _("{name} is already on the care list."),
    ErrorCode.CARE_PATROL_NO_PLACE: _("Please say where the patrol went: send the location or type the place."),
    ErrorCode.CARE_ROW_BAD_CATEGORY: _("unknown care category {value} (独居/空巢老人, 留守儿童, 残障人士 or 其他)"),
    ErrorCode.CARE_ROW_BAD_RHYTHM: _("unknown visit rhythm {value} (每周, 每两周, 每月 or 每季度)"),
    ErrorCode.CARE_ROW_UNKNOWN_PERSON: _("nobody called {name} in the roster of village {village} at that "
                                         "household or phone"),
    ErrorCode.FAMILY_CODE_UNKNOWN: _("This family invite code is not valid. Please ask the household for a new one."),
    ErrorCode.FAMILY_CODE_EXPIRED: _("This family invite code has been used or has expired. Please ask the "
                                     "household for a new one."),
    ErrorCode.FAMILY_FULL: _("A household can link at most {limit} family members. Please remove one first."),
    ErrorCode.FAMILY_ALREADY_JOINED: _("This account has already joined Hemei, so it cannot be linked as a family "
                                       "member."),
    ErrorCode.FAMILY_NO_ROLES: _("A family member acts for a household only and cannot hold a role."),
    ErrorCode.FAMILY_LINK_CLOSED: _("This family link has already been decided or removed."),
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
