"""The signed button tokens: short data passes untouched, anything not signed by us is stale."""

from __future__ import annotations

import pytest

from bot.callback_tokens import STALE, CallbackTokens
from storage.database import Database
from village.clock import ManualClock

LONG = "rp:acc:" + "7" * 100


async def test_data_within_the_limit_is_left_as_it_is(database: Database, clock: ManualClock) -> None:
    tokens = CallbackTokens(database, clock, "123:secret")

    assert await tokens.shorten("rp:acc:7", 64) == "rp:acc:7"
    assert await tokens.restore("rp:acc:7") == "rp:acc:7"


async def test_a_token_signed_with_another_bot_token_is_stale(database: Database, clock: ManualClock) -> None:
    token = await CallbackTokens(database, clock, "123:secret").shorten(LONG, 64)

    restored = await CallbackTokens(database, clock, "456:other").restore(token)

    assert restored == STALE


@pytest.mark.parametrize("data", ["~", "~1", "~1.", "~x.AAAAAAAAAAAAAAAA", "~99999999999.AAAAAAAAAAAAAAAA",
                                  "~1.AAAAAAAAAAAAAAAA", "~1.AAAAAAAAAAAAAAA="])
async def test_malformed_or_unsigned_tokens_are_stale(database: Database, clock: ManualClock, data: str) -> None:
    tokens = CallbackTokens(database, clock, "123:secret")
    await tokens.shorten(LONG, 64)

    assert await tokens.restore(data) == STALE
