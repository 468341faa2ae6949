"""Joining and leaving on WeChat move the staff tag (and so the staff menu) at once; residents get none."""

from __future__ import annotations

from bot.wechat.fake.harness import WechatHarness
from bot.wechat.staff import STAFF_TAG
from tests.e2e.wechat.conftest import WANG, join, number_of

ZHAO = "o_zhao_000000000000000000000004"


def tags_of(wx: WechatHarness, open_id: str) -> set[str]:
    """Return the names of the tags the fake WeChat has on a follower."""
    return {wx.fake.world.tags[t] for t in wx.fake.world.followers[open_id].tag_ids}


async def test_a_group_leader_who_joins_on_wechat_is_tagged_as_staff(wx: WechatHarness) -> None:
    await join(wx, ZHAO, "2-01", "赵阿姨")  # 赵阿姨 leads 二组: her menu has 🧰 工作台

    assert tags_of(wx, ZHAO) == {STAFF_TAG}


async def test_a_resident_who_joins_on_wechat_carries_no_tag(wx: WechatHarness) -> None:
    await join(wx, WANG)  # 张阿婆, a household head

    assert tags_of(wx, WANG) == set()


async def test_a_staff_member_who_unlinks_their_wechat_loses_the_tag(wx: WechatHarness) -> None:
    await join(wx, ZHAO, "2-01", "赵阿姨")
    tagged = tags_of(wx, ZHAO)
    confirm = await wx.says(ZHAO, "/leave")

    await wx.says(ZHAO, number_of(confirm.text, "确定解除"))

    assert tagged == {STAFF_TAG}
    assert tags_of(wx, ZHAO) == set()
