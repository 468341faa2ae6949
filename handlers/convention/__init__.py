"""The convention score (美丽约定): assessing, my score, the public board, appeals, 和美宅基, and its jobs."""

from __future__ import annotations

from handlers.convention import appeals, assess, board, homestead, inspections, score
from handlers.convention.jobs import ASSESSMENT_REMINDERS, REWARD_NOTICES
from handlers.conversations import Flow
from handlers.jobs import JobSpec


def build() -> list[Flow]:
    """Return the convention's flows."""
    return [assess.build(), score.build(), board.build(), appeals.build(), homestead.build(), inspections.build()]


def jobs() -> list[JobSpec]:
    """Return the convention's monthly jobs."""
    return [ASSESSMENT_REMINDERS, REWARD_NOTICES]
