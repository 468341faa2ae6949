"""Direct replies survive Telegram's transient failures, and a press is handled whether or not its answer is."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.emulator.faults import dropped, flood, refusal, server_error
from bot.emulator.harness import Harness, running_bot
from storage.database import Database
from tests.e2e.conftest import ALICE, join
from tests.factories import load_roster
from village.clock import ManualClock

APOLOGY = "抱歉，系统出了点问题"
OPENING = ["我们来反映问题，不到一分钟就好。", "是哪一类问题？请点一个："]
# Fast retries: the real defaults wait half a second and more.
FAST = {"HEMEI_REPLIES__BACKOFF_SECONDS": "0.01", "HEMEI_REPLIES__MAX_WAIT_SECONDS": "0.3",
        "HEMEI_OUTBOX__POLL_SECONDS": "0.05"}


@pytest.fixture
async def bot(db_url: str, database: Database, clock: ManualClock, tmp_path: Path) -> AsyncIterator[Harness]:
    await load_roster(database, clock)
    environ = {"HEMEI_MEDIA__DIR": str(tmp_path / "media"), **FAST}
    async with running_bot(db_url, clock=clock, environ=environ) as harness:
        yield harness


async def test_a_reply_that_meets_a_502_is_sent_again(bot: Harness) -> None:
    await join(bot, ALICE)
    bot.api.inject(server_error(502))

    shown = await bot.tg.user_taps(ALICE, "📣 我要反映")

    assert [m.text for m in shown] == OPENING


async def test_two_flood_waits_in_a_row_are_waited_out_and_the_flow_goes_on(bot: Harness) -> None:
    await join(bot, ALICE)
    bot.api.inject(flood(0.05), flood(0.05))

    shown = await bot.tg.user_taps(ALICE, "📣 我要反映")
    then = await bot.tg.user_taps(ALICE, "垃圾/环境卫生")

    assert [m.text for m in shown] == OPENING
    assert APOLOGY not in " ".join(m.text for m in then)
    assert "请说一说是什么问题" in then[-1].text
    assert bot.api.early_calls == 0  # every retry waited as long as Telegram asked


async def test_a_press_whose_answer_telegram_refuses_is_still_handled(bot: Harness) -> None:
    await join(bot, ALICE)
    await bot.tg.user_taps(ALICE, "📣 我要反映")
    bot.api.inject(refusal("Bad Request: query is too old and response timeout expired or query id is invalid",
                           {"answerCallbackQuery"}))

    shown = await bot.tg.user_taps(ALICE, "垃圾/环境卫生")

    assert [f.methods for f in bot.api.faults.served] == [frozenset({"answerCallbackQuery"})]
    assert shown
    assert APOLOGY not in " ".join(m.text for m in shown)


async def test_replies_telegram_keeps_refusing_go_out_through_the_outbox_in_order(bot: Harness,
                                                                                   clock: ManualClock) -> None:
    await join(bot, ALICE)
    before = len(bot.tg.replies_to(ALICE))
    bot.api.inject(*[dropped()] * 4, server_error(502))  # every direct try, then the outbox's first

    during = await bot.tg.user_taps(ALICE, "📣 我要反映")
    clock.advance(timedelta(seconds=6))  # the outbox's back-off after a failed send
    await bot.tg.settle()

    assert during == []
    assert bot.runtime.replies.queued == len(OPENING)
    assert [m.text for m in bot.tg.replies_to(ALICE)[before:]] == OPENING


async def test_a_long_flood_wait_hands_the_reply_to_the_outbox_which_honours_it(bot: Harness) -> None:
    await join(bot, ALICE)
    bot.api.inject(flood(0.6))  # longer than the 0.3 s a reply may wait in line

    shown = await bot.tg.user_taps(ALICE, "📣 我要反映")

    assert [m.text for m in shown] == OPENING
    assert bot.runtime.replies.queued == len(OPENING)
    assert bot.api.early_calls == 0
