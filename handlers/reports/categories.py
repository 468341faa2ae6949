"""Report categories as people read them: Hemei's default categories translated, a village's own as written.

Reports are stored with the category's Chinese name (the default list is in village/settings.py,
and a village may configure its own), so the stored key never changes; only its display does.
"""

from __future__ import annotations

from handlers.texts import Text, _
from village.settings import DEFAULT_REPORT_CATEGORIES

# In the order of DEFAULT_REPORT_CATEGORIES; each zh_CN translation is the stored name itself.
CATEGORY_NAMES: dict[str, Text] = dict(zip(DEFAULT_REPORT_CATEGORIES, (
    _("Illegal buildings"),
    _("Crowded renting / letting"),
    _("Rubbish / sanitation"),
    _("Rivers / water"),
    _("Greenery"),
    _("Village ways / neighbour disputes"),
    _("Care for the elderly"),
    _("Health care"),
    _("Roads / facilities"),
    _("Public order / safety"),
    _("Other"),
), strict=True))


def category_name(name: str) -> Text | str:
    """Return a category's name to show: a default category translated, a village's own as written."""
    return CATEGORY_NAMES.get(name, name)
