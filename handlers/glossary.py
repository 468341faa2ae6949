"""The glossary: every button label and icon that more than one screen shows, written once.

A flow imports the label it draws instead of writing its own msgid, and a text that
tells the reader which button to press takes the label as a parameter
(`_("… tap {next}.", next=NEXT)`), so a button reads the same in every flow and a
renamed button is renamed everywhere. Each tool of the menu has its own icon, and no
icon stands for two tools; tests/unit/test_glossary.py checks both.
"""

from __future__ import annotations

from collections.abc import Sequence

from handlers.texts import Text, _

# Moving around: every question offers Back and Cancel; Menu, More and Work tools lead between screens.
BACK = _("⬅️ Back")
CANCEL = _("❌ Cancel")
MENU = _("🏠 Menu")
MORE = _("➕ More")
WORK_TOOLS = _("🧰 Work tools")

# Steps of a form: go on, leave an optional answer out, change what was written, hand it in.
NEXT = _("➡️ Next")
SKIP = _("⏭ Skip")
CHANGE = _("✏️ Change")
SUBMIT = _("✅ Submit")

# The menu's tools, one icon each (the icon alone tells them apart on a small screen).
REPORT_PROBLEM = _("📣 Report a problem")
MY_REPORTS = _("📂 My reports")
MY_SCORE = _("😊 My household score")
MEETINGS = _("🗓 Meetings")
NOTICES = _("📬 Notices")
GROUP_BOARD = _("🖼 Group board")
OPEN_PROBLEMS = _("📌 Open problems")
TOPICS = _("💬 Topics")
MATTERS = _("🏛 Village matters")
MY_DETAILS = _("👤 My details")
SETTINGS = _("⚙️ Settings")
LANGUAGE = _("🌐 Language")
HELP = _("❓ Help")
REPORT_FOR_RESIDENT = _("🧾 Report for a resident")
REPORT_QUEUE = _("🗂 Report queue")
ASSESS = _("💯 Assess households")
SEND_NOTICE = _("📢 Send a notice")
APPEALS = _("⚖️ Appeals")
HOMESTEAD = _("🏡 Harmonious homesteads")
JOIN_REQUESTS = _("📝 Join requests")
CARE_VISITS = _("💗 Care visits")
FAMILY = _("👨‍👩‍👧 Family link")
TO_CONTACT = _("☎️ To contact")

TOOLS: tuple[Text, ...] = (
    REPORT_PROBLEM, MY_REPORTS, MY_SCORE, MEETINGS, NOTICES, GROUP_BOARD, OPEN_PROBLEMS, TOPICS, MATTERS,
    MY_DETAILS, SETTINGS, LANGUAGE, HELP, REPORT_FOR_RESIDENT, REPORT_QUEUE, ASSESS, SEND_NOTICE, APPEALS,
    HOMESTEAD, JOIN_REQUESTS, CARE_VISITS, FAMILY, TO_CONTACT,
)
NAVIGATION: tuple[Text, ...] = (BACK, CANCEL, MENU, MORE, WORK_TOOLS, NEXT, SKIP, CHANGE, SUBMIT)


def next_ticked(count: int) -> Text:
    """Return Next with how many are ticked so far, for a list of checkboxes."""
    return _("➡️ Next ({count} ticked)", count=count)


def length(low: int, high: int) -> Text:
    """Return how long a typed answer may be, e.g. "2 to 40 characters", for a question to quote."""
    return _("{low} to {high} characters", low=low, high=high)


def listing(items: Sequence[Text | str]) -> Text | str:
    """Join items into one phrase with the reader's list separator (", " in English, "、" in Chinese)."""
    if not items:
        return ""
    joined: Text | str = items[0]
    for item in items[1:]:
        joined = _("{items}, {item}", items=joined, item=item)
    return joined
