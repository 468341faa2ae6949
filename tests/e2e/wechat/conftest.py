"""End-to-end fixtures for WeChat: the real bot, WeChat only, with the fake WeChat pushing to its callback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.wechat.fake.harness import WechatHarness, running_wechat_bot
from storage.database import Database
from tests.factories import OPERATOR, load_roster
from village.clock import ManualClock
from village.services import Services

WANG = "o_wang_0000000000000000000001"  # a stranger who has a household card
LI = "o_li_00000000000000000000000009"


@pytest.fixture
async def wx(db_url: str, database: Database, clock: ManualClock, tmp_path: Path) -> AsyncIterator[WechatHarness]:
    """The bot with the test roster loaded, serving WeChat against the fake; media kept in the test's folder."""
    await load_roster(database, clock)
    async with running_wechat_bot(db_url, clock=clock, environ={"HEMEI_MEDIA__DIR": str(tmp_path / "media")}) as h:
        yield h


async def household_code(wx: WechatHarness, label: str) -> str:
    """Return the invite code on the card of household `label` in FX01."""
    async with wx.runtime.database.transaction() as store:
        cards = await Services(store, wx.runtime.clock, wx.config).invites.issue(OPERATOR, "FX01")
    return next(card.code for card in cards if card.household.label == label)


async def join(wx: WechatHarness, open_id: str, label: str = "1-01", name: str = "张阿婆") -> None:
    """Join on WeChat: follow, type the card's code, pick oneself by name."""
    code = await household_code(wx, label)
    await wx.sends(wx.fake.inputs.subscribe(open_id))
    await wx.says(open_id, code)
    await wx.says(open_id, name)


def number_of(text: str, label: str) -> str:
    """Return the number a choice is offered under in a passive reply or a customer-service message."""
    for line in text.splitlines():
        number, dot, rest = line.partition(". ")
        if dot and number.isdigit() and (f">{label}</a>" in rest or rest == label):
            return number
    raise AssertionError(f"{label!r} is not offered in:\n{text}")
