"""Joining by a household card, on each channel: the card lists the household, the person picks themselves."""

from __future__ import annotations

from tests.scenarios.channels import ChannelDriver, texts
from tests.scenarios.conftest import MING


async def test_a_household_card_lists_the_members_and_binds_the_chosen_one(channel: ChannelDriver) -> None:
    joined = await channel.join(MING)
    me = await channel.says(MING, "/me")

    shown = channel.inbox(MING)
    assert "欢迎！这是和美村 1-01 户的邀请卡。" in texts(shown)
    assert any({"张阿婆", "张小明"} <= set(m.choices) for m in shown)
    assert "欢迎您，和美村的张小明" in texts(joined)
    assert "姓名：张小明" in texts(me)
