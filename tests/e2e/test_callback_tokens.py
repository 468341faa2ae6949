"""Button data over Telegram's 64 bytes travels as a short signed token and comes back whole."""

from __future__ import annotations

from datetime import timedelta

from bot.emulator.api import Sent
from bot.emulator.harness import Harness
from handlers.callback_data import pack
from handlers.keyboards import CANCEL, NAV
from handlers.replies import Choice, Reply
from tests.e2e.conftest import ALICE, join
from village.clock import ManualClock

# A real navigation payload (Cancel) padded past Telegram's limit: only a faithful round trip cancels.
LONG_CANCEL = pack(NAV, CANCEL, "x" * 100)


async def show_long_button(bot: Harness) -> Sent:
    await join(bot, ALICE)
    await bot.tg.user_taps(ALICE, "📣 我要反映")  # in a conversation, so Cancel has something to cancel
    await bot.runtime.channel.send(str(ALICE.id), Reply("长按钮", choices=((Choice("长取消", LONG_CANCEL),),)))
    return bot.tg.replies_to(ALICE)[-1]


def data_of(sent: Sent) -> str:
    return str(sent.reply_markup["inline_keyboard"][0][0]["callback_data"])  # type: ignore[index]


async def test_a_payload_over_64_bytes_round_trips_through_a_short_token(bot: Harness) -> None:
    shown = await show_long_button(bot)

    replies = await bot.tg.user_taps(ALICE, "长取消")

    assert data_of(shown).startswith("~")
    assert len(data_of(shown).encode()) <= 64
    assert "已取消" in replies[0].text


async def test_a_forged_token_is_refused_like_a_stale_button(bot: Harness) -> None:
    shown = await show_long_button(bot)
    token = data_of(shown)
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")

    replies = await bot.tg.user_presses_data(ALICE, forged, shown)

    assert "这个按钮已失效" in replies[0].text
    assert all("已取消" not in r.text for r in replies)


async def test_an_expired_token_is_refused_like_a_stale_button(bot: Harness, clock: ManualClock) -> None:
    await show_long_button(bot)
    clock.advance(timedelta(days=31))

    replies = await bot.tg.user_taps(ALICE, "长取消")

    texts = [r.text for r in replies]  # the lapsed report's notice comes first
    assert any("这个按钮已失效" in t for t in texts)
    assert all("已取消" not in t for t in texts)
