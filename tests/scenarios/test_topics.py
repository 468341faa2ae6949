"""Topics from below on each channel: a resident proposes, two neighbours support it, and at the threshold
the cadres hear of it."""

from __future__ import annotations

from tests.scenarios.channels import ChannelDriver, texts
from tests.scenarios.conftest import ALICE, MING, SECRETARY, WANG


async def propose(channel: ChannelDriver, title: str, detail: str) -> list[str]:
    """Propose a village-level topic through the menu as Alice; return what she read at the end."""
    await channel.picks(ALICE, "💬 议题征集")
    await channel.picks(ALICE, "➕ 我要提议题")
    await channel.picks(ALICE, "🏘 全村的事（村级议事）")
    await channel.says(ALICE, title)
    await channel.says(ALICE, detail)
    return [m.text for m in await channel.picks(ALICE, "✅ 确认提交")]


async def test_a_topic_supported_to_the_threshold_reaches_the_cadres(channel: ChannelDriver) -> None:
    for person in (ALICE, MING, WANG):
        await channel.join(person)
    await channel.enrol(SECRETARY)
    proposed = await propose(channel, "村里建老年食堂", "方便老人吃饭")
    await channel.picks(MING, "💬 议题征集")
    await channel.picks(MING, "村里建老年食堂 👍0")
    first = await channel.picks(MING, "👍 附议")
    await channel.picks(WANG, "💬 议题征集")
    listed = await channel.picks(WANG, "村里建老年食堂 👍1")

    second = await channel.picks(WANG, "👍 附议")

    assert "村里建老年食堂" in "\n".join(proposed)
    assert "附议：1 人" in texts(first)
    assert "方便老人吃饭" in texts(listed)
    assert "附议：2 人" in texts(second)
    assert "📣 议题「村里建老年食堂」已有 2 人附议" in texts(channel.inbox(SECRETARY))
    assert any("🔎 查看议题" in m.choices for m in channel.inbox(SECRETARY))
