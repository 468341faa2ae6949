"""Scheduled jobs, channel-neutral: each decides from the data what is due and queues messages.

The scheduler in bot/ runs a job in one transaction and records the run, so a
restart recomputes safely and the outbox keys stop duplicates.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from handlers.context import MediaKeeping, Notifier, Renderer
from handlers.menu import Menu
from village.services import Services


@dataclass(frozen=True)
class JobContext:
    """What a job run gets: the moment it runs for, services in its transaction, and the outbox.

    Jobs that send images get the renderer (text in a given language), the media store to
    save them for the outbox, and a font able to draw Chinese (None: send text instead).
    """

    at: datetime
    services: Services
    notify: Notifier
    menu: Menu
    renderer: Renderer | None = None
    media: MediaKeeping | None = None
    cjk_font: Path | None = None


JobRun = Callable[[JobContext], Awaitable[str]]


@dataclass(frozen=True)
class JobSpec:
    """A job: its name (also its config key under [schedules]), default cron and what it does.

    `run` returns a one-line summary for the log and `hemei jobs run`.
    """

    name: str
    cron: str
    run: JobRun
    description: str
