"""Consultation (议事协商): topics, meetings with sign-up and reminders, the two disclosures, 四议两公开."""

from __future__ import annotations

from handlers.consultation import changes, checkin, disclosures, matters, meetings, planning, proposals, stages, topics
from handlers.consultation.reminders import MEETING_REMINDERS
from handlers.conversations import Flow
from handlers.jobs import JobSpec


def build() -> list[Flow]:
    """Return every consultation flow."""
    return [*topics.build(), proposals.build(), meetings.build(), planning.build(), changes.build(),
            checkin.build(), disclosures.build(), *matters.build(), stages.build()]


def jobs() -> list[JobSpec]:
    """Return the consultation jobs."""
    return [MEETING_REMINDERS]


__all__ = ["build", "jobs"]
