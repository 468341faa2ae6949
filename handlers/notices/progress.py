"""What the progress reporter (bot/broadcasts.py) shows: each sending notice's figures, as an edit."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.notices.views import progress_text
from handlers.replies import Reply
from village.notices import ProgressMessage
from village.services import Services


@dataclass(frozen=True)
class ProgressEdit:
    """An edit of an author's progress message; `final` once nothing is left to send."""

    notice_id: int
    message: ProgressMessage
    reply: Reply
    final: bool


async def progress_edits(services: Services) -> list[ProgressEdit]:
    """Return the current progress of every notice whose final report is not shown yet."""
    edits = []
    for notice in await services.notices.unfinished():
        assert notice.progress_message is not None
        figures = await services.notices.progress(notice)
        final = figures.pending == 0
        # Live figures matter only where they can be edited in place; the final report always matters.
        reply = Reply(progress_text(notice, figures), edit=True, skippable=not final)
        edits.append(ProgressEdit(notice.id, notice.progress_message, reply, final=final))
    return edits
