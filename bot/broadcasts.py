"""Live progress of broadcasts: edits each author's message (已发送 1,200 / 3,000) as the outbox drains.

Every `interval` seconds it reads the figures of the notices still sending and
edits the message whose Send button the author pressed, when the figures
changed. Edits are not queued: they replace text, so after a restart the next
pass simply shows the current figures. The final report is shown on two passes
before the notice is marked finished, so that the author's own first edit
("0 / 3,000"), which may land late, never stays on screen.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from dataclasses import replace

from bot.budget import Lane, sending_as
from bot.channels import Channel, DeliveryError, PermanentError, UnreachableError
from bot.config import Config
from handlers.context import Renderer
from handlers.notices.progress import ProgressEdit, progress_edits
from storage.database import Database
from village.clock import Clock
from village.services import Services

log = logging.getLogger(__name__)


class ProgressReporter:
    """Keeps authors' progress messages up to date; runs beside the dispatcher."""

    def __init__(self, database: Database, channels: Mapping[str, Channel], clock: Clock, config: Config,
                 renderer: Renderer) -> None:
        self._database = database
        self._channels = channels
        self._clock = clock
        self._config = config
        self._renderer = renderer
        self._interval = config.notices.progress_seconds
        self._shown: dict[int, str] = {}
        self._final_shown: set[int] = set()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start updating in the background."""
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name="broadcast-progress")

    async def stop(self) -> None:
        """Stop after the current pass."""
        self._stopping.set()
        if self._task is not None:
            await self._task
            self._task = None

    async def report_once(self) -> int:
        """Edit every progress message whose figures changed; return how many notices are still shown."""
        async with self._database.transaction() as store:
            edits = await progress_edits(Services(store, self._clock, self._config))
        finished = [edit.notice_id for edit in edits if await self._show(edit)]
        if finished:
            async with self._database.transaction() as store:
                services = Services(store, self._clock, self._config)
                for notice_id in finished:
                    await services.notices.finish(notice_id)
                    self._shown.pop(notice_id, None)
                    self._final_shown.discard(notice_id)
        return len(edits) - len(finished)

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.report_once()
            except Exception:  # a bad pass must not end live progress for good; the next pass retries
                log.exception("updating broadcast progress failed")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._interval):
                    await self._stopping.wait()

    async def _show(self, edit: ProgressEdit) -> bool:
        """Edit one message if needed; return True when the notice is done with (report shown twice, or unshowable)."""
        rendered = self._renderer.render(edit.reply, edit.message.locale)
        if edit.notice_id in self._final_shown:  # the second showing only covers a late first edit: a refresh
            rendered = replace(rendered, skippable=True)
        text = str(rendered.text)
        if not edit.final and self._shown.get(edit.notice_id) == text:
            return False
        channel = self._channels.get(edit.message.channel)
        if channel is None:
            return True
        try:
            with sending_as(Lane.PERSONAL):  # the author's own progress: after replies, before broadcasts
                await channel.send(edit.message.chat_ref, rendered, edit_ref=edit.message.message_ref or None)
        except (PermanentError, UnreachableError) as error:
            log.info("progress message of notice %s cannot be edited: %s", edit.notice_id, error)
            return True
        except DeliveryError as error:  # rate limits and network trouble: try again on the next pass
            log.info("progress of notice %s not shown this time: %s", edit.notice_id, error)
            return False
        self._shown[edit.notice_id] = text
        if not edit.final:
            return False
        done = edit.notice_id in self._final_shown
        self._final_shown.add(edit.notice_id)
        return done
