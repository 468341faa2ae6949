"""The convention's shared words: faces, money, periods, dates, standards and task states."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.texts import Text, _
from village.convention.homesteads import HomesteadStanding
from village.convention.periods import Period, PeriodKind
from village.convention.rules import Face, RectificationStatus, Standard
from village.convention.spec import DEFAULT_CONVENTION

FACE_EMOJI = {Face.SMILE: "😊", Face.FLAT: "😐", Face.CRY: "😢"}
NOT_PUBLISHED_EMOJI = "⬜"

FACE_NAMES = {
    Face.SMILE: _("smiling face"),
    Face.FLAT: _("plain face"),
    Face.CRY: _("crying face"),
}

STANDARD_NAMES = {
    Standard.NO_VIOLATIONS: _("No illegal structures"),
    Standard.NO_GROUP_RENTING: _("No crowded renting"),
    Standard.NO_LITTER: _("No litter"),
    Standard.CLEAN_RIVERS: _("Clean rivers"),
    Standard.GREENERY: _("Green and tidy"),
    Standard.CIVILITY: _("Good neighbourly ways"),
}

# The default convention's clauses are Hemei's words: stored by their Chinese name (a village's
# own convention may use any name), shown translated. In the order of DEFAULT_CONVENTION.
CLAUSE_NAMES: dict[str, Text] = dict(zip((c.name for c in DEFAULT_CONVENTION.clauses), (
    _("Waste sorting"),
    _("Renting out by the rules"),
    _("Tidy house and yard"),
    _("No illegal building"),
    _("Clean rivers and ponds"),
    _("Civil village ways"),
    _("Caring for elders and family"),
), strict=True))

MONTHS = (_("Jan"), _("Feb"), _("Mar"), _("Apr"), _("May"), _("Jun"), _("Jul"), _("Aug"), _("Sep"), _("Oct"),
          _("Nov"), _("Dec"))

TASK_STATES = {
    RectificationStatus.OPEN: _("to be fixed"),
    RectificationStatus.REPORTED: _("reported fixed, waiting for inspection"),
    RectificationStatus.FIXED: _("✅ Fixed"),
    RectificationStatus.NOT_FIXED: _("❌ Not fixed yet"),
    RectificationStatus.CANCELLED: _("withdrawn"),
}


def clause_name(name: str) -> Text | str:
    """Return a clause's name to show: a default clause translated, a village's own clause as written."""
    return CLAUSE_NAMES.get(name, name)


def face_text(face: Face) -> Text:
    """Return e.g. 😊 笑脸."""
    return _("{emoji} {name}", emoji=FACE_EMOJI[face], name=FACE_NAMES[face])


def money(fen: int) -> Text:
    """Return an amount in yuan from integer fen, e.g. 25.00元."""
    amount = "{}{}.{:02d}".format("-" if fen < 0 else "", abs(fen) // 100, abs(fen) % 100)
    return _("¥{amount}", amount=amount)


def period_label(period: Period) -> Text:
    """Return e.g. 2026年11月 or 2026年第4季度."""
    if period.kind is PeriodKind.MONTHLY:
        return _("{month}/{year}", month=period.index, year=period.year)
    return _("Q{quarter} {year}", quarter=period.index, year=period.year)


def day(moment: datetime, zone: ZoneInfo) -> str:
    """Return the local date of a moment, e.g. 2026-11-17."""
    return moment.astimezone(zone).date().isoformat()


def points_cut(points: int) -> str:
    """Return a deduction as people write it, e.g. −5."""
    return f"−{points}"


def short_period(period: Period) -> Text:
    """Return a short label for a chart, e.g. Nov (11月) or Q4 (4季)."""
    if period.kind is PeriodKind.MONTHLY:
        return MONTHS[period.index - 1]
    return _("Q{quarter}", quarter=period.index)


def standing_text(standing: HomesteadStanding) -> Text:
    """Return a group's harmonious-homestead standing in one line (no emoji: it is also drawn on the board)."""
    annual, reward = standing.annual, standing.reward
    if annual is None:
        return _("Harmonious homestead {year}: not assessed yet.", year=standing.year)
    met = sum(1 for ok in annual.results.values() if ok)
    if not annual.passed:
        return _("Harmonious homestead {year}: not passed ({met} of 6 standards met).", year=standing.year, met=met)
    if reward.withheld:
        return _("Harmonious homestead {year}: passed ({met} of 6 standards met). Group reward {released}, "
                 "after {withheld} taken off by spot checks.", year=standing.year, met=met,
                 released=money(reward.released), withheld=money(reward.withheld))
    return _("Harmonious homestead {year}: passed ({met} of 6 standards met). Group reward {released}.",
             year=standing.year, met=met, released=money(reward.released))
