"""A village notice from either channel reaches people on both, and the cadre gets one delivery report."""

from __future__ import annotations

import pytest

from tests.scenarios.channels import ChannelDriver, bind, texts
from tests.scenarios.conftest import ALICE, MING, SECRETARY, WANG, ZHAO, Village

pytestmark = pytest.mark.both_channels
NOTICE = "📢【通知】和美村\n本周六上午清理河道，请各户派一人。"


async def compose(channel: ChannelDriver) -> None:
    """Write a notice to 一组 and 二组 as the secretary, up to the preview."""
    shown = await channel.says(SECRETARY, "/announce")
    if any("✍️ 写新通知" in m.choices for m in shown):  # the list of past notices comes first
        await channel.picks(SECRETARY, "✍️ 写新通知")
    await channel.picks(SECRETARY, "📢 通知")
    await channel.says(SECRETARY, "本周六上午清理河道，请各户派一人。")
    await channel.picks(SECRETARY, "⏭ 跳过")
    await channel.picks(SECRETARY, "⏭ 跳过")
    await channel.picks(SECRETARY, "👥 选村民小组")
    await channel.picks(SECRETARY, "⬜ 一组")
    await channel.picks(SECRETARY, "⬜ 二组")
    await channel.picks(SECRETARY, "✅ 完成（已选 2 项）")


async def test_a_notice_reaches_both_channels_with_one_delivery_report(channel: ChannelDriver,
                                                                       village: Village) -> None:
    await village.telegram.join(ALICE)
    await village.wechat.join(MING)
    await channel.join(WANG)
    # 赵阿姨 follows on WeChat but has not written lately: no customer-service window is open for her.
    await bind(village.wechat.harness, "wechat", ZHAO.open_id, ZHAO.phone)
    village.wechat.harness.fake.world.follow(ZHAO.open_id)
    await channel.enrol(SECRETARY)
    await compose(channel)

    await channel.picks(SECRETARY, "✅ 发送")
    reports = [m.text for m in channel.inbox(SECRETARY) if m.text.startswith("✅ 通知 #1")]
    later = await village.wechat.says(ZHAO, "你好")

    for reader, person in ((village.telegram, ALICE), (village.wechat, MING), (channel, WANG)):
        assert NOTICE in [m.text for m in reader.inbox(person)], (reader.name, person.name)
    assert NOTICE not in texts(village.wechat.inbox(ZHAO)[:-len(later)])
    on_telegram = 2 if channel.name == "telegram" else 1  # 王 reads on the channel under test
    assert reports == ["✅ 通知 #1 已发送完毕。\n发给 4 人；实际发出消息 4 条\n已送达：3\n"
                       f"  · Telegram：{on_telegram}\n  · 微信消息：{3 - on_telegram}\n屏蔽了和美：0\n发送失败：0\n"
                       "暂时联系不上、待其下次发消息时送达：1"]
    assert NOTICE in [m.text for m in later]  # delivered when she writes
