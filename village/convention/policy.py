"""The convention's part of the configuration (`[convention]`)."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field


class ConventionPolicy(BaseModel):
    """How long a household may appeal, and how long it has to fix what a failing result names."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    appeal_days: int = Field(default=15, ge=1, le=180)
    rectification_days: int = Field(default=14, ge=1, le=365)

    @property
    def rectification_time(self) -> timedelta:
        """Return the time a household has to fix something."""
        return timedelta(days=self.rectification_days)
