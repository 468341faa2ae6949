"""How notices look: as residents receive them, in lists, and as delivery figures for their author."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from handlers.replies import Attachment, AttachmentKind, Reply
from handlers.texts import Content, Text, _, lines
from village.media import MediaKind
from village.notices import Notice, NoticeAttachment, NoticeCategory
from village.outbox import BatchProgress, DeliveryRoute

CATEGORY_ICONS = {
    NoticeCategory.PUBLIC_AFFAIRS: "📋",
    NoticeCategory.NOTICE: "📢",
    NoticeCategory.ACTIVITY: "🎉",
    NoticeCategory.URGENT: "🚨",
}
CATEGORY_NAMES = {
    NoticeCategory.PUBLIC_AFFAIRS: _("Public affairs"),
    NoticeCategory.NOTICE: _("Notice"),
    NoticeCategory.ACTIVITY: _("Activity"),
    NoticeCategory.URGENT: _("Urgent"),
}
SNIPPET_LENGTH = 14


def category_label(category: NoticeCategory) -> Content:
    """Return the category with its icon, e.g. 📋 村务公开."""
    return _("{icon} {category}", icon=CATEGORY_ICONS[category], category=CATEGORY_NAMES[category])


def number(value: int) -> str:
    """Format a count with thousands separators (1,200), as the progress report shows it."""
    return f"{value:,}"


def notice_reply(notice: Notice, village_name: str, locale: str, *, zone: ZoneInfo | None = None) -> Reply:
    """Return the notice as a resident receives it (in `locale` if translated); dated when `zone` is given."""
    date = notice.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if zone else None
    return message_reply(notice.category, notice.text_for(locale), notice.attachment, village_name, date=date)


def message_reply(category: NoticeCategory, text: str, attachment: NoticeAttachment | None, village_name: str, *,
                  date: str | None = None) -> Reply:
    """Return a notice's message: a header naming the kind and the village, the text, the photo or file."""
    header = _("{icon} [{category}] {village}", icon=CATEGORY_ICONS[category], category=CATEGORY_NAMES[category],
               village=village_name)
    return Reply(lines(header, date, text), attachment=attachment_of(attachment))


def attachment_of(attachment: NoticeAttachment | None) -> Attachment | None:
    """Return how a notice's photo or file is sent: by our media id (each channel reuses its cached reference)."""
    if attachment is None:
        return None
    kind = AttachmentKind.PHOTO if attachment.kind is MediaKind.PHOTO else AttachmentKind.DOCUMENT
    return Attachment(kind, media_id=attachment.media_id, file_name=attachment.file_name)


def snippet(text: str, length: int = SNIPPET_LENGTH) -> str:
    """Return the start of a text on one line, with … when cut."""
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[:length] + "…"


def figures_line(figures: BatchProgress) -> Content:
    """Return one line of delivery figures: delivered of total, blocked, failed, waiting."""
    return _("✅ {sent} / {total} · 🚫 {blocked} · ❌ {failed} · ⏳ {waiting}", sent=number(figures.sent),
             total=number(figures.total), blocked=number(figures.blocked), failed=number(figures.failed),
             waiting=number(figures.waiting))


def progress_text(notice: Notice, figures: BatchProgress) -> Content:
    """Return the author's live progress message, or the report once nothing more can go now."""
    if figures.pending <= figures.waiting:
        return report_text(notice, figures)
    return lines(
        _("📤 Sending notice #{id}: sent {sent} / {total}", id=notice.id, sent=number(figures.sent),
          total=number(figures.total)),
        _("⏳ Waiting for quiet hours to end: {count}", count=number(figures.waiting)) if figures.waiting else None,
        _("🚫 Blocked the bot: {count}", count=number(figures.blocked)) if figures.blocked else None,
        _("❌ Failed: {count}", count=number(figures.failed)) if figures.failed else None,
    )


def report_text(notice: Notice, figures: BatchProgress) -> Content:
    """Return the delivery report: final, or for now when the rest waits for quiet hours to end."""
    return lines(
        _("✅ Notice #{id} has been sent.", id=notice.id) if figures.pending == 0 else
        _("✅ Notice #{id}: all that may go now has been sent; the rest follows when quiet hours end.",
          id=notice.id),
        _("Addressed to {people} people; messages to their accounts: {total}", people=number(notice.recipients),
          total=number(figures.total)),
        _("Delivered: {count}", count=number(figures.sent)),
        *route_lines(figures),
        _("Blocked the bot: {count}", count=number(figures.blocked)),
        _("Failed: {count}", count=number(figures.failed)),
        _("Waiting for quiet hours to end: {count}", count=number(figures.waiting)) if figures.waiting else None,
        _("Out of reach for now, sent when they next write: {count}", count=number(figures.parked))
        if figures.parked else None,
        _("May have arrived twice (the bot restarted while sending): {count}", count=number(figures.resent))
        if figures.resent else None,
    )


ROUTE_NAMES = {
    DeliveryRoute.TELEGRAM: _("Telegram"),
    DeliveryRoute.CUSTOMER_SERVICE: _("WeChat message"),
    DeliveryRoute.SUBSCRIPTION: _("WeChat subscription notification"),
    DeliveryRoute.TEMPLATE: _("WeChat template message"),
    DeliveryRoute.MASS: _("WeChat mass send"),
    DeliveryRoute.SUMMARY: _("WeChat, in a summary when they wrote again"),
}


def route_lines(figures: BatchProgress) -> list[Content]:
    """Return how the delivered messages went, one line per route; none when Telegram was the only one."""
    if set(figures.routes) <= {DeliveryRoute.TELEGRAM.value}:
        return []
    return [_("  · {route}: {count}", route=ROUTE_NAMES[route], count=number(figures.routes[route.value]))
            for route in DeliveryRoute if figures.routes.get(route.value)]


def history_line(notice: Notice, figures: BatchProgress, zone: ZoneInfo) -> Content:
    """Return a notice's line in its author's list: number, date, category, start of the text, figures."""
    head = _("#{id} {date} {category}: {snippet}", id=notice.id,
             date=notice.created_at.astimezone(zone).strftime("%m-%d %H:%M"), category=category_label(notice.category),
             snippet=snippet(notice.text, 24))
    return lines(head, figures_line(figures))


def list_button_label(notice: Notice, zone: ZoneInfo) -> Text:
    """Return the label of a notice's button in the archive."""
    return _("{date} {icon} {snippet}", date=notice.created_at.astimezone(zone).strftime("%m-%d"),
             icon=CATEGORY_ICONS[notice.category], snippet=snippet(notice.text))
