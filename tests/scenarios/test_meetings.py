"""Signing up for a meeting on each channel: the seats fill, the next one waits, and a cancellation moves
the waitlist up."""

from __future__ import annotations

from tests.scenarios.channels import ChannelDriver, texts
from tests.scenarios.conftest import ALICE, MING, SECRETARY, WANG


async def plan_meeting(channel: ChannelDriver, title: str, *, seats: str) -> None:
    """Plan and publish a village meeting step by step, as the secretary."""
    await channel.picks(SECRETARY, "🗓 议事活动")
    await channel.picks(SECRETARY, "➕ 组织议事")
    await channel.picks(SECRETARY, "村级议事")
    await channel.says(SECRETARY, title)
    await channel.picks(SECRETARY, "➡️ 下一步")
    await channel.picks(SECRETARY, "睦邻四堂间")
    await channel.says(SECRETARY, "村委会二楼")
    await channel.says(SECRETARY, "11-05 14:00")
    await channel.picks(SECRETARY, "2 小时")
    await channel.says(SECRETARY, seats)
    await channel.picks(SECRETARY, "会前一天")
    await channel.picks(SECRETARY, "📢 现在发布")


async def test_sign_ups_fill_the_seats_then_the_waitlist_moves_up(channel: ChannelDriver) -> None:
    for person in (ALICE, MING, WANG):
        await channel.join(person)
    await channel.enrol(SECRETARY)
    await plan_meeting(channel, "村道修缮议事会", seats="2")
    announced = channel.inbox(ALICE)

    first = await channel.picks(ALICE, "✋ 我要报名")
    await channel.picks(MING, "✋ 我要报名")
    waiting = await channel.picks(WANG, "✋ 我要报名")
    cancelled = await channel.picks(ALICE, "🙅 取消报名")

    assert "📢 新的议事活动" in texts(announced)
    assert "村道修缮议事会" in texts(announced)
    assert "报名成功（座位 1 号）" in texts(first)
    assert "名额已满，您已排进候补" in texts(waiting)
    assert "您：候补第 1 位" in texts(waiting)
    assert "已取消报名" in texts(cancelled)
    assert "🎉 有名额空出来了：您已递补报名「村道修缮议事会」" in texts(channel.inbox(WANG))
    assert "有名额空出来了" not in texts(channel.inbox(MING))
