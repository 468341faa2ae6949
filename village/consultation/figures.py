"""A village's consultation in figures for one calendar month: for the monthly digest (一月一汇)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from village.consultation.times import month_bounds

if TYPE_CHECKING:
    from village.ports import Store


@dataclass(frozen=True)
class MeetingFigures:
    """One month of consultation in a village.

    `meetings_held`: meetings published (not cancelled) that started in the month, up to now.
    `signups`: confirmed sign-ups for those meetings; `attended`: people checked in, walk-ins included.
    `attendance_rate`: the share of confirmed sign-ups who checked in; None without sign-ups.
    `topics_proposed` / `topics_scheduled`: topics filed / put on an agenda in the month.
    """

    meetings_held: int
    signups: int
    attended: int
    attendance_rate: float | None
    topics_proposed: int
    topics_scheduled: int


async def month_figures(store: Store, village_id: int, year: int, month: int, *, zone: ZoneInfo,
                        now: datetime) -> MeetingFigures:
    """Count the month (in the village's timezone) from the data."""
    start, end = month_bounds(year, month, zone)
    held = [m for m in await store.meetings.held_between(village_id, start, end) if m.starts_at <= now]
    figures = (await store.signups.figures([m.id for m in held])).values()
    signups = sum(f.confirmed for f in figures)
    came = sum(f.attended_confirmed for f in figures)
    return MeetingFigures(
        meetings_held=len(held),
        signups=signups,
        attended=sum(f.attended for f in figures),
        attendance_rate=came / signups if signups else None,
        topics_proposed=await store.topics.count_proposed(village_id, start, end),
        topics_scheduled=await store.topics.count_scheduled(village_id, start, end),
    )
