"""The consultation policy: support thresholds per level, reminder times, the check-in window."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field, field_validator

from village.consultation.levels import MeetingLevel

MAX_REMINDERS = 4


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SupportThresholds(_Section):
    """How many supports (附议) a topic needs, per level, before the cadres are told."""

    homestead: int = Field(default=3, ge=1, le=10_000)
    social_org: int = Field(default=5, ge=1, le=10_000)
    village: int = Field(default=10, ge=1, le=10_000)

    def for_level(self, level: MeetingLevel) -> int:
        """Return the threshold of `level`."""
        return int(getattr(self, level.value))


class ConsultationPolicy(_Section):
    """What the consultation services apply."""

    support_thresholds: SupportThresholds = SupportThresholds()
    reminder_hours: tuple[float, ...] = Field(default=(24, 1), max_length=MAX_REMINDERS)
    checkin_opens_minutes: int = Field(default=60, ge=0, le=24 * 60)
    checkin_closes_minutes: int = Field(default=60, ge=0, le=24 * 60)
    max_capacity: int = Field(default=2000, ge=1, le=100_000)

    @field_validator("reminder_hours")
    @classmethod
    def _positive_and_distinct(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if any(h <= 0 or h > 24 * 14 for h in value):
            raise ValueError("each reminder must be between 0 and 336 hours before the meeting")
        if len(set(value)) != len(value):
            raise ValueError("reminder hours must differ")
        return tuple(sorted(value, reverse=True))

    @property
    def reminders(self) -> tuple[timedelta, ...]:
        """Return the reminder offsets before a meeting, earliest first (e.g. 24 h, then 1 h)."""
        return tuple(timedelta(hours=h) for h in self.reminder_hours)

    @property
    def checkin_opens(self) -> timedelta:
        """Return how long before the start check-in opens."""
        return timedelta(minutes=self.checkin_opens_minutes)

    @property
    def checkin_closes(self) -> timedelta:
        """Return how long after the end check-in stays open."""
        return timedelta(minutes=self.checkin_closes_minutes)
