"""Topics from below, end to end: propose, support to the threshold, the cadre schedules or declines."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.emulator.harness import Harness
from storage.database import Database
from tests.e2e.conftest import ALICE, CM_SECRETARY, MING, SECRETARY, join
from tests.e2e.consultation import CM_RESIDENT, QIAN, WANG, button_data, consultation_bot, plan_meeting, propose
from village.clock import ManualClock


@pytest.fixture
async def bot(db_url: str, database: Database, clock: ManualClock) -> AsyncIterator[Harness]:
    async with consultation_bot(db_url, database, clock) as harness:
        yield harness


async def joined(bot: Harness, *users: object) -> None:
    for user in users:
        await join(bot, user)  # type: ignore[arg-type]


async def test_a_topic_reaching_the_threshold_reaches_the_cadre_who_schedules_it(bot: Harness) -> None:
    await joined(bot, ALICE, MING, WANG, QIAN, SECRETARY, CM_RESIDENT)
    await propose(bot, ALICE, "村里建老年食堂", "方便老人吃饭")
    await bot.tg.user_taps(MING, "💬 议题征集")
    await bot.tg.user_taps(MING, "村里建老年食堂 👍0")
    await bot.tg.user_taps(MING, "👍 附议")
    await bot.tg.user_taps(WANG, "💬 议题征集")
    await bot.tg.user_taps(WANG, "村里建老年食堂 👍1")

    supported = await bot.tg.user_taps(WANG, "👍 附议")
    alert = bot.tg.last_text(SECRETARY)
    await bot.tg.user_taps(SECRETARY, "🔎 查看议题")
    await bot.tg.user_taps(SECRETARY, "📅 列入会议议程")
    no_meeting = bot.tg.last_text(SECRETARY)
    await bot.tg.user_taps(SECRETARY, "➕ 组织一次新的议事")
    await plan_meeting(bot, SECRETARY, "村道修缮议事会", topics=("☐ 村里建老年食堂 👍2",), from_menu=False)

    assert "附议：2 人" in supported[0].text
    assert "📣 议题「村里建老年食堂」已有 2 人附议" in alert
    assert "目前还没有能放进这个议题的会议" in no_meeting
    assert "📢 已发布" in "".join(bot.tg.texts_to(SECRETARY)[-3:])
    for follower in (ALICE, MING, WANG):
        assert any("好消息：您提出或附议的议题「村里建老年食堂」已列入「村道修缮议事会」" in t
                   for t in bot.tg.texts_to(follower))
    for resident in (ALICE, QIAN):
        assert any("📢 新的议事活动" in t and "村道修缮议事会" in t for t in bot.tg.texts_to(resident))
    assert not any("村道修缮议事会" in t for t in bot.tg.texts_to(CM_RESIDENT))


async def test_supporting_twice_is_refused_and_support_can_be_taken_back(bot: Harness) -> None:
    await joined(bot, ALICE, MING)
    await propose(bot, ALICE, "宅前路灯不亮", "晚上太黑")
    await bot.tg.user_taps(MING, "💬 议题征集")
    await bot.tg.user_taps(MING, "宅前路灯不亮 👍0")
    support = button_data(bot, MING, "👍 附议")
    await bot.tg.user_taps(MING, "👍 附议")

    twice = await bot.tg.user_presses_data(MING, support)
    taken_back = await bot.tg.user_taps(MING, "↩️ 撤回附议")

    assert "您已经附议过这个议题了" in twice[0].text
    assert "附议：0 人" in taken_back[0].text
    assert "已撤回附议" in taken_back[-1].text


async def test_own_topic_offers_no_support_button(bot: Harness) -> None:
    await joined(bot, ALICE)
    await propose(bot, ALICE, "宅前路灯不亮", "晚上太黑")

    await bot.tg.user_taps(ALICE, "💬 议题征集")
    page = await bot.tg.user_taps(ALICE, "宅前路灯不亮 👍0")

    assert "提议人：张阿婆" in page[0].text
    assert "👍 附议" not in page[0].inline_labels


async def test_a_declined_topic_tells_proposer_and_supporters_why(bot: Harness) -> None:
    await joined(bot, ALICE, MING, SECRETARY)
    await propose(bot, ALICE, "修建篮球场", "年轻人想打球")
    await bot.tg.user_taps(MING, "💬 议题征集")
    await bot.tg.user_taps(MING, "修建篮球场 👍0")
    await bot.tg.user_taps(MING, "👍 附议")
    await bot.tg.user_taps(SECRETARY, "💬 议题征集")
    await bot.tg.user_taps(SECRETARY, "修建篮球场 👍1")
    await bot.tg.user_taps(SECRETARY, "🚫 不予采纳")

    empty = await bot.tg.user_says(SECRETARY, "  ")
    done = await bot.tg.user_says(SECRETARY, "今年村里没有空地，明年再议")

    assert "为什么暂不采纳" in empty[-1].text
    assert "已通知提议人和 1 位附议人" in done[0].text
    for follower in (ALICE, MING):
        assert "暂时不列入会议议程。原因：今年村里没有空地，明年再议" in bot.tg.last_text(follower)


async def test_residents_and_other_villages_cannot_decide_a_topic(bot: Harness) -> None:
    await joined(bot, ALICE, MING, CM_SECRETARY)
    await propose(bot, ALICE, "修建篮球场", "年轻人想打球")
    await bot.tg.user_taps(MING, "💬 议题征集")
    await bot.tg.user_taps(MING, "修建篮球场 👍0")
    support = button_data(bot, MING, "👍 附议")
    topic_id = support.rsplit(":", 1)[1]

    forged_decline = await bot.tg.user_presses_data(MING, f"topic_no:ask:{topic_id}")
    forged_agenda = await bot.tg.user_presses_data(MING, f"topics:put:{topic_id}:1")
    other_village = await bot.tg.user_presses_data(CM_SECRETARY, f"topics:show:{topic_id}")
    garbage = await bot.tg.user_presses_data(MING, "topics:support:abc")

    assert "您没有权限" in forged_decline[0].text
    assert "没有找到" in forged_agenda[0].text or "您没有权限" in forged_agenda[0].text
    assert "只对相关的村民开放" in other_village[0].text
    assert "这个按钮已失效" in garbage[0].text  # malformed data: like a stale button


async def test_a_topic_told_by_voice_plays_back_on_its_page(bot: Harness) -> None:
    await joined(bot, ALICE, MING)
    await bot.tg.user_taps(ALICE, "💬 议题征集")
    await bot.tg.user_taps(ALICE, "➕ 我要提议题")
    await bot.tg.user_taps(ALICE, "🏡 我们组的事（宅基议事）")
    await bot.tg.user_says(ALICE, "宅前路灯不亮")
    await bot.tg.user_sends_voice(ALICE, b"OggS-voice-of-alice", duration=6)
    await bot.tg.user_taps(ALICE, "✅ 确认提交")
    await bot.tg.user_taps(MING, "💬 议题征集")

    page = await bot.tg.user_taps(MING, "宅前路灯不亮 👍0")

    assert page[0].method == "sendVoice"
    assert page[0].file == b"OggS-voice-of-alice"
    assert "（附有语音）" in page[1].text
    assert "👍 附议" in page[1].inline_labels
