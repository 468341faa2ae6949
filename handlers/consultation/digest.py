"""Consultation's part of the monthly digest: meetings held, sign-ups and attendance, topics."""

from __future__ import annotations

from handlers.digest import ChartSeries, DigestSection, number
from handlers.texts import _
from village.places import Village
from village.services import Services


async def meetings_section(services: Services, village: Village, year: int, month: int) -> DigestSection:
    """Return the month's consultation: meetings held, attendance, and topics raised and scheduled."""
    figures = await services.meetings.month_figures(village.id, year, month)
    rate = f"{100 * figures.attendance_rate:.0f}%" if figures.attendance_rate is not None else "—"
    return DigestSection(
        _("Consultation"),
        (
            _("Meetings held: {held} · signed up: {signups} · attended: {attended} ({rate})",
              held=number(figures.meetings_held), signups=number(figures.signups), attended=number(figures.attended),
              rate=rate),
            _("Topics proposed: {proposed} · put on an agenda: {scheduled}",
              proposed=number(figures.topics_proposed), scheduled=number(figures.topics_scheduled)),
        ),
        ChartSeries(_("Meeting attendance"), ((_("Signed up"), figures.signups), (_("Attended"), figures.attended)))
        if figures.meetings_held else None,
    )
