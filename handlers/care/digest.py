"""The care list's part of the monthly digest (一月一汇)."""

from __future__ import annotations

from handlers.digest import DigestSection, number
from handlers.texts import _
from village.places import Village
from village.services import Services


async def care_section(services: Services, village: Village, year: int, month: int) -> DigestSection | None:
    """Return the month's care figures; nothing when the village keeps no care list."""
    figures = await services.care.month_figures(village.id, year, month)
    if not figures.on_list and not figures.visits and not figures.patrols:
        return None
    return DigestSection(_("Care visits"), (
        _("On the care list: {people} · visits done: {visits} (to {visited} people)", people=number(figures.on_list),
          visits=number(figures.visits), visited=number(figures.visited_people)),
        _("Visits due: {due} · overdue: {overdue} · flagged to the secretary: {flagged}", due=number(figures.due),
          overdue=number(figures.overdue), flagged=number(figures.flagged)),
        _("Patrols: {patrols}", patrols=number(figures.patrols)),
    ))
