"""The convention's part of the monthly digest: assessments outstanding and published, faces, appeals."""

from __future__ import annotations

from handlers.convention.words import FACE_NAMES
from handlers.digest import ChartSeries, DigestSection, number
from handlers.texts import _
from village.convention.rules import Face
from village.places import Village
from village.services import Services


async def assessments_section(services: Services, village: Village, year: int, month: int) -> DigestSection:
    """Return the period's assessments: how many households are assessed, published and still to do."""
    figures = await services.assessments.month_figures(village.id, year, month)
    return DigestSection(
        _("Convention scores"),
        (
            _("Households: {households} · assessed: {assessed} · published: {published}",
              households=number(figures.households), assessed=number(figures.assessed),
              published=number(figures.published)),
            _("Still to publish: {outstanding} · open appeals: {appeals}", outstanding=number(figures.outstanding),
              appeals=number(figures.appeals_open)),
        ),
        ChartSeries(_("Published results by face"),
                    tuple((FACE_NAMES[face], figures.faces.get(face.value, 0)) for face in Face))
        if figures.published else None,
    )
