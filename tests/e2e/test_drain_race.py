"""Settling waits for a person's queued messages even when a send finishes while the outbox is being read.

Under load the report card to the grid worker was sometimes missing after `settle()`: the send
of the report's photo finished while the dispatcher was claiming (the claim skipped the grid
worker as busy), so the dispatcher found nothing to send, reported idle, and the card waited for
the next poll. Here the claim is held until the send in flight has finished, every time.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.dispatcher import Dispatcher
from bot.emulator.harness import Harness
from tests.e2e.conftest import ALICE, join
from tests.e2e.reports.conftest import GRID_WORKER, file_report
from village.outbox import OutboxItem


async def test_report_card_arrives_when_sends_finish_during_claims(bot: Harness,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    claim = Dispatcher._claim

    async def slow_claim(self: Dispatcher, limit: int) -> list[OutboxItem]:
        items = await claim(self, limit)
        if self._in_flight:  # the worst timing a loaded machine can give: the send ends mid-claim
            await asyncio.wait(set(self._in_flight))
        return items

    await join(bot, ALICE)
    await join(bot, GRID_WORKER)
    monkeypatch.setattr(Dispatcher, "_claim", slow_claim)

    await file_report(bot, ALICE, photo=True, voice=True, location=True)

    worker = bot.tg.replies_to(GRID_WORKER)
    assert [m.method for m in worker].count("sendPhoto") == 1
    assert any(m.method == "sendVoice" for m in worker)
    assert any("✅ 受理" in m.inline_labels for m in worker)
