"""The care list's configuration: how early a visit is announced, how late it may be before the cadres hear."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field


class CarePolicy(BaseModel):
    """Reminders of visits due and escalation of overdue ones (config section `[care]`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    remind_days_before: int = Field(default=1, ge=0, le=14)
    overdue_margin_days: int = Field(default=3, ge=0, le=60)
    max_note_chars: int = Field(default=300, ge=10, le=3000)

    @property
    def notice(self) -> timedelta:
        """Return how long before a visit is due the grid worker is reminded."""
        return timedelta(days=self.remind_days_before)

    @property
    def margin(self) -> timedelta:
        """Return how late a visit may be before it goes to the village's cadres."""
        return timedelta(days=self.overdue_margin_days)
