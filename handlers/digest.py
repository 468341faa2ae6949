"""一月一汇: on the 1st, each village's cadres and supervisors get last month's figures, with a chart.

The digest is a list of sections, each built by one capability from its own
figures: `async (services, village, year, month) -> DigestSection | None`. To add
one, write a builder calling e.g. `services.reports.month_figures(village.id, year, month)`
and put it into SECTIONS. A section's chart becomes a panel of the digest's
image; without a CJK font the bars are drawn with text instead.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from handlers.charts import Panel, bar_chart, text_bar
from handlers.jobs import JobContext, JobSpec
from handlers.notices.delivery import by_locale
from handlers.notices.views import CATEGORY_NAMES, number
from village.outbox import MessageKind

__all__ = ["ChartSeries", "DigestSection", "digest_job", "number", "percent"]
from handlers.replies import Attachment, AttachmentKind, Reply
from handlers.texts import Content, _, lines
from village.digests import previous_month
from village.media import MediaKind
from village.notices import NoticeCategory
from village.places import Village
from village.services import Services

NAME = "monthly_digest"


@dataclass(frozen=True)
class ChartSeries:
    """The bars of a section's chart: each a label and a count."""

    title: Content
    bars: tuple[tuple[Content, int], ...]


@dataclass(frozen=True)
class DigestSection:
    """One capability's part of the digest: a title, lines of figures, and optionally a chart."""

    title: Content
    lines: tuple[Content, ...]
    chart: ChartSeries | None = None


SectionBuilder = Callable[[Services, Village, int, int], Awaitable[DigestSection | None]]


async def notices_section(services: Services, village: Village, year: int, month: int) -> DigestSection:
    """Return the month's notices: how many, to how many people, and how many messages arrived."""
    figures = await services.notices.month_figures(village.id, year, month)
    delivery = figures.delivery
    return DigestSection(
        _("Notices"),
        (
            _("Notices sent: {count}, addressed to {people} people", count=number(figures.notices),
              people=number(figures.people)),
            _("Messages delivered: {sent} of {total} ({rate}%)", sent=number(delivery.sent),
              total=number(delivery.total), rate=percent(delivery.sent, delivery.total)),
            _("Blocked the bot: {blocked} · failed: {failed} · waiting: {waiting}", blocked=number(delivery.blocked),
              failed=number(delivery.failed), waiting=number(delivery.waiting)),
        ),
        ChartSeries(_("Notices by kind"),
                    tuple((CATEGORY_NAMES[c], figures.by_category.get(c, 0)) for c in NoticeCategory)),
    )


async def membership_section(services: Services, village: Village, year: int, month: int) -> DigestSection:
    """Return how many households and people have joined the bot, and how many joined this month."""
    figures = await services.digests.membership(village.id, year, month)
    return DigestSection(
        _("Households and people on Hemei"),
        (
            _("Households: {households} · people on the roster: {people}", households=number(figures.households),
              people=number(figures.people)),
            _("Joined Hemei: {joined} people ({rate}%) from {households} households",
              joined=number(figures.joined_people), rate=percent(figures.joined_people, figures.people),
              households=number(figures.joined_households)),
            _("New this month: {count}", count=number(figures.new_people)),
        ),
        ChartSeries(_("People on Hemei"), ((_("Joined"), figures.joined_people),
                                         (_("Not yet joined"), max(figures.people - figures.joined_people, 0)))),
    )


# The sections every feature adds are assembled, in reading order, in handlers/registry.py.
SECTIONS: tuple[SectionBuilder, ...] = (notices_section, membership_section)


def digest_key(village_id: int, year: int, month: int) -> str:
    """Return the idempotency key of a village's digest for a month: sent once per account."""
    return f"digest:{village_id}:{year}-{month:02d}"


def digest_job(sections: Sequence[SectionBuilder] = SECTIONS) -> JobSpec:
    """Return the job that queues last month's digest for every village's cadres and supervisors."""

    async def run(job: JobContext) -> str:
        year, month = previous_month(job.at, job.services.settings.timezone)
        queued = villages = 0
        for village in await job.services.digests.villages():
            recipients = await job.services.digests.recipients(village.id)
            identities = await job.services.store.identities.of_people([p.id for p in recipients])
            if not identities:
                continue
            built = [await build(job.services, village, year, month) for build in sections]
            found = tuple(s for s in built if s is not None)
            for locale, group in by_locale(identities, job.services.settings.locale).items():
                reply = digest_reply(job, village, year, month, found, locale)
                queued += await job.notify.to_identities(group, digest_key(village.id, year, month), reply,
                                                         kind=MessageKind.DIGEST_MONTHLY, optional=True)
            villages += 1
        return f"digest for {year}-{month:02d}: {queued} message(s) queued for {villages} village(s)"

    return JobSpec(NAME, "0 9 1 * *", run, "monthly digest of last month to each village's cadres and supervisors")


def digest_reply(job: JobContext, village: Village, year: int, month: int, sections: Sequence[DigestSection],
                 locale: str) -> Reply:
    """Return the digest in `locale`: the text, with the chart image or else text bars."""
    when = _("{year}-{month}", year=str(year), month=str(month))
    title = _("📊 Monthly digest · {village} · {month}", village=village.name, month=when)
    # Fonts that draw Chinese rarely draw emoji: the image's title has none.
    chart = _chart(job, _("Monthly digest · {village} · {month}", village=village.name, month=when), sections, locale)
    body: list[Content] = [title]
    for section in sections:
        body += [_("▌{title}", title=section.title), *section.lines]
        if chart is None and section.chart is not None:
            body += _text_chart(section.chart)
    return Reply(lines(*body), attachment=chart)


def _chart(job: JobContext, title: Content, sections: Sequence[DigestSection], locale: str) -> Attachment | None:
    """Draw the sections' charts as one image and keep it for the outbox; None without a font or charts."""
    renderer, media, font = job.renderer, job.media, job.cjk_font
    charts = [s.chart for s in sections if s.chart is not None]
    if renderer is None or media is None or font is None or not charts:
        return None
    panels = [Panel(renderer.text(c.title, locale), tuple((renderer.text(label, locale), value)
                                                          for label, value in c.bars)) for c in charts]
    path = media.save(bar_chart(renderer.text(title, locale), panels, font), MediaKind.PHOTO, ".png")
    return Attachment(AttachmentKind.PHOTO, path=str(path))


def _text_chart(chart: ChartSeries) -> list[Content]:
    longest = max((value for _label, value in chart.bars), default=0)
    return [_("{label} {bar} {value}", label=label, bar=text_bar(value, longest), value=number(value))
            for label, value in chart.bars]


def percent(part: int, whole: int) -> str:
    """Return part of whole as a whole-number percentage; "0" when the whole is zero."""
    return f"{100 * part / whole:.0f}" if whole else "0"
