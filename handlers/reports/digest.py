"""The reports' part of the monthly digest (一月一汇): the month's figures and reports by category."""

from __future__ import annotations

from handlers.digest import ChartSeries, DigestSection, number
from handlers.reports.categories import category_name
from handlers.texts import _
from village.places import Village
from village.services import Services


async def reports_section(services: Services, village: Village, year: int, month: int) -> DigestSection:
    """Return the month's problem reports: filed, handled, overdue, satisfaction, time to resolve."""
    figures = await services.reports.month_figures(village.id, year, month)
    rate, median = figures.satisfaction_rate, figures.median_hours_to_resolve
    satisfaction = (_("Satisfied: {rate}% of ratings", rate=round(100 * rate)) if rate is not None
                    else _("Satisfied: no ratings yet"))
    hours = _("Median time to resolve: {hours} hours", hours=round(median)) if median is not None else None
    text_lines = tuple(line for line in (
        _("Filed: {new} · accepted: {accepted} · resolved: {resolved} · closed: {closed}", new=number(figures.new),
          accepted=number(figures.accepted), resolved=number(figures.resolved), closed=number(figures.closed)),
        _("Overdue: {overdue} · reopened after “not satisfied”: {reopened}", overdue=number(figures.overdue),
          reopened=number(figures.reopened)),
        satisfaction, hours,
    ) if line is not None)
    ranked = sorted(figures.by_category.items(), key=lambda kv: -kv[1])
    bars = tuple((category_name(category), count) for category, count in ranked)
    return DigestSection(_("Problem reports"), text_lines,
                         ChartSeries(_("Reports filed by category"), bars) if bars else None)
