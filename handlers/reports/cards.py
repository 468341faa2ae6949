"""How reports read: status and action names, the staff card, the reporter's timeline, the board."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.callback_data import pack
from handlers.family_labels import DeputyAct, deputy_line
from handlers.replies import Choice, ChoiceRows, Reply
from handlers.reports.categories import category_name
from handlers.texts import Content, Text, _, lines
from village.media import MediaKind
from village.reports import (
    Board,
    MediaPurpose,
    Milestone,
    Rating,
    Report,
    ReportAction,
    ReporterView,
    ReportEvent,
    ReportStatus,
    StaffView,
    handling_actions,
)

HANDLE = "rph"  # the handling flow: buttons on report cards
MINE = "rpm"  # my reports and ratings
EXCERPT = 24
BOARD_SHOWN = 40

STATUS = {
    ReportStatus.SUBMITTED: _("Submitted"),
    ReportStatus.ACCEPTED: _("Accepted"),
    ReportStatus.CONSULTING: _("Under consultation"),
    ReportStatus.IN_PROGRESS: _("Being handled"),
    ReportStatus.RESOLVED: _("Resolved"),
    ReportStatus.CLOSED: _("Closed"),
    ReportStatus.REJECTED: _("Not accepted"),
    ReportStatus.MERGED: _("Duplicate, merged"),
}

RATING = {Rating.SATISFIED: _("😊 Satisfied"), Rating.BASIC: _("🙂 Mostly satisfied"),
          Rating.UNSATISFIED: _("😞 Not satisfied")}
RATING_CODES = {"s": Rating.SATISFIED, "b": Rating.BASIC, "u": Rating.UNSATISFIED}

# Choice label and callback action of each handling action.
ACTION_BUTTONS: dict[ReportAction, tuple[Text, str]] = {
    ReportAction.ACCEPT: (_("✅ Accept"), "acc"),
    ReportAction.CONSULT: (_("🤝 Consult"), "con"),
    ReportAction.START: (_("🔧 Start work"), "sta"),
    ReportAction.RESOLVE: (_("🏁 Resolved"), "res"),
    ReportAction.REJECT: (_("🚫 Not accept"), "rej"),
    ReportAction.REASSIGN: (_("🔀 Reassign"), "asg"),
    ReportAction.MERGE: (_("🔗 Duplicate"), "mrg"),
    ReportAction.COMMENT: (_("💭 Comment"), "cmt"),
}
TIMELINE = _("📜 Timeline")
REVEAL = _("👁 Who reported it")
SHOW = _("🔎 View")


def when(moment: datetime | None, zone: ZoneInfo) -> str:
    """Return a local date and time as month-day hour:minute, e.g. 11-02 10:00."""
    return moment.astimezone(zone).strftime("%m-%d %H:%M") if moment else "—"


def age_days(report: Report, now: datetime) -> int:
    """Return how many whole days ago the report was filed."""
    return max(0, (now - report.created_at).days)


def excerpt(text: str, length: int = EXCERPT) -> str:
    """Return the first words of a description on one line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[:length] + "…"


def title(report: Report) -> Text:
    """Return the code and category: the way a report is named everywhere."""
    return _("{code} [{category}]", code=report.code, category=category_name(report.category))


def staff_card(view: StaffView, zone: ZoneInfo) -> Content:
    """Return the report as staff see it: anonymous reporters as 匿名."""
    r = view.report
    reporter = _("Anonymous") if view.reporter is None else view.reporter.name
    sent = [m for m in view.media if m.purpose is MediaPurpose.REPORT]
    photos = sum(1 for m in sent if m.media.kind is MediaKind.PHOTO)
    return lines(
        _("📄 Report {code}", code=r.code),
        _("Category: {category}", category=category_name(r.category)),
        _("Status: {status}", status=STATUS[r.status]),
        _("Description: {text}", text=r.text) if r.text else None,
        _("🎤 With a voice message") if any(m.media.kind is MediaKind.VOICE for m in sent) else None,
        _("📷 Photos: {count}", count=photos) if photos else None,
        _("Address: {address}", address=r.address) if r.address else None,
        _("📍 Location attached") if r.point else None,
        _("Reported by: {name}", name=reporter),
        deputy_line(view.deputy, DeputyAct.FILED),
        _("Filed on their behalf by: {name}", name=view.filed_by.name) if view.filed_by else None,
        _("Residents who joined: {count}", count=r.followers) if r.followers else None,
        _("Handled by: {name}", name=view.assignee.name) if view.assignee else _("Handled by: the village cadres"),
        _("Grid: {grid}", grid=view.grid.name) if view.grid else None,
        _("Reported at: {time}", time=when(r.created_at, zone)),
        _("Deadline: {time}", time=when(r.deadline_at, zone)) if r.deadline_at and r.is_open else None,
        _("Resolution: {note}", note=r.resolution_note) if r.resolution_note else None,
        _("Rating: {rating}", rating=RATING[r.rating]) if r.rating else None,
    )


def card_buttons(view: StaffView) -> ChoiceRows:
    """Return the buttons under a staff card: the actions allowed now, the timeline, and reveal."""
    rid = view.report.id
    actions = [Choice(label, pack(HANDLE, code, rid)) for action, (label, code) in ACTION_BUTTONS.items()
               if view.can_handle and action in handling_actions(view.report.status)]
    extra = [Choice(TIMELINE, pack(HANDLE, "tl", rid))]
    if view.can_reveal:
        extra.append(Choice(REVEAL, pack(HANDLE, "who", rid)))
    rows = [tuple(actions[i:i + 3]) for i in range(0, len(actions), 3)]
    return (*rows, tuple(extra))


def card_reply(view: StaffView, zone: ZoneInfo, *, edit: bool = False, intro: Content | None = None) -> Reply:
    """Return the staff card with its buttons."""
    text = lines(intro, staff_card(view, zone)) if intro else staff_card(view, zone)
    return Reply(text, choices=card_buttons(view), edit=edit)


def show_button(report: Report) -> ChoiceRows:
    """Return a single button that opens the report's card."""
    return ((Choice(SHOW, pack(HANDLE, "card", report.id)),),)


def rating_buttons(report: Report) -> ChoiceRows:
    """Return the three rating buttons for the reporter."""
    return (tuple(Choice(label, pack(MINE, "rate", report.id, code))
                  for code, label in ((c, RATING[r]) for c, r in RATING_CODES.items())),)


def event_line(event: ReportEvent, names: Mapping[int, str], zone: ZoneInfo) -> Content:
    """Return one timeline row."""
    at = when(event.at, zone)
    who = names.get(event.actor_id or 0, "")
    params = event.params
    texts: dict[str, Content] = {
        Milestone.FILED: _("{at} reported (filed by {who})", at=at, who=who) if params.get("on_behalf")
        else _("{at} reported", at=at),
        ReportAction.ACCEPT: _("{at} accepted by {who}", at=at, who=who),
        ReportAction.CONSULT: _("{at} consultation with: {note}", at=at, note=event.note),
        ReportAction.START: _("{at} work started", at=at),
        ReportAction.RESOLVE: _("{at} resolved: {note}", at=at, note=event.note),
        ReportAction.REJECT: _("{at} not accepted: {note}", at=at, note=event.note),
        ReportAction.MERGE: _("{at} same problem as {code}, merged", at=at, code=str(params.get("into_code", ""))),
        ReportAction.REASSIGN: _("{at} passed to {name}", at=at, name=names.get(int(params.get("to", 0)), "")),
        ReportAction.COMMENT: _("{at} {who} commented: {note}", at=at, who=who, note=event.note),
        ReportAction.RATE_SATISFIED: _("{at} rated: {rating}", at=at, rating=RATING[Rating.SATISFIED]),
        ReportAction.RATE_BASIC: _("{at} rated: {rating}", at=at, rating=RATING[Rating.BASIC]),
        ReportAction.RATE_UNSATISFIED: _("{at} rated: {rating}; handling again", at=at,
                                         rating=RATING[Rating.UNSATISFIED]),
        ReportAction.AUTO_CLOSE: _("{at} closed: no rating within the feedback period", at=at),
        Milestone.RATING_NOTE: _("{at} reporter's opinion: {note}", at=at, note=event.note),
        Milestone.FOLLOWED: _("{at} another resident joined this report", at=at),
        Milestone.OVERDUE: _("{at} overdue: reminder sent", at=at),
        Milestone.ESCALATED: _("{at} overdue again: passed to the secretary", at=at),
        Milestone.FEEDBACK_REMINDED: _("{at} reporter reminded to rate", at=at),
    }
    return texts.get(event.kind, _("{at} {kind}", at=at, kind=event.kind))


def timeline(events: Iterable[ReportEvent], names: Mapping[int, str], zone: ZoneInfo) -> Content:
    """Return the timeline rows under a heading."""
    return lines(_("Progress:"), *(event_line(e, names, zone) for e in events))


def reporter_card(view: ReporterView, zone: ZoneInfo) -> Content:
    """Return a report as its reporter sees it, with the public timeline."""
    r = view.report
    return lines(
        title(r),
        deputy_line(view.deputy, DeputyAct.FILED),
        _("Status: {status}", status=STATUS[r.status]),
        _("Description: {text}", text=r.text) if r.text else None,
        _("Resolution: {note}", note=r.resolution_note) if r.resolution_note else None,
        timeline(view.events, view.names, zone),
        _("Please rate how it was handled:") if view.can_rate else None,
    )


def list_label(report: Report, now: datetime, *, overdue: bool = False, status: bool = True) -> Content:
    """Return a report's one-line label for list buttons: code, category, status or age."""
    mark = "⏰ " if overdue else ""
    if status:
        return _("{mark}{code} {category} · {status}", mark=mark, code=report.code,
                 category=category_name(report.category), status=STATUS[report.status])
    return _("{mark}{code} {category} · {days} day(s)", mark=mark, code=report.code,
             category=category_name(report.category), days=age_days(report, now))


def board_text(board: Board) -> Content:
    """Return the public list (挂牌消项): open items by category with their age, no reporter names."""
    by_category: dict[str, list[Report]] = {}
    for report in board.open:
        by_category.setdefault(report.category, []).append(report)
    rows: list[Content] = [_("📌 {village}: problems being handled", village=board.village.name)]
    shown = 0
    for category, reports in by_category.items():
        rows.append(_("[{category}] {count} item(s)", category=category_name(category), count=len(reports)))
        for report in reports:
            if shown < BOARD_SHOWN:
                rows.append(_board_line(report, board.now))
            shown += 1
    if not board.open:
        rows.append(_("No open problems at the moment."))
    if shown > BOARD_SHOWN:
        rows.append(_("… and {count} more.", count=shown - BOARD_SHOWN))
    rows.append(_("Resolved this month: {count}", count=board.closed_this_month))
    return lines(*rows)


def _board_line(report: Report, now: datetime) -> Content:
    days, text = age_days(report, now), excerpt(report.text) or "—"
    if days == 0:
        return _("  · {code} {status}, reported today: {excerpt}", code=report.code, status=STATUS[report.status],
                 excerpt=text)
    return _("  · {code} {status}, {days} day(s) ago: {excerpt}", code=report.code, status=STATUS[report.status],
             days=days, excerpt=text)
