"""Consultation conversations without Telegram: bad input in every question re-asks and changes nothing."""

from __future__ import annotations

from datetime import datetime

from handlers.engine import Engine
from handlers.events import EventKind, Media
from tests.conftest import SHANGHAI
from tests.conversations.conftest import Chat, labels
from village.clock import ManualClock

ALICE_PHONE, SECRETARY_PHONE = "+8613800000001", "+8613800000009"


async def joined(engine: Engine, external_id: str, phone: str) -> Chat:
    chat = Chat(engine, external_id)
    await chat.says("/start")
    await chat.shares_contact(phone)
    return chat


async def to_start_question(engine: Engine) -> Chat:
    secretary = await joined(engine, "9", SECRETARY_PHONE)
    await secretary.says("/newmeeting")
    await secretary.taps("村级议事")
    await secretary.says("村道修缮议事会")
    await secretary.taps("➡️ 下一步")
    await secretary.taps("睦邻四堂间")
    await secretary.says("村委会二楼")
    return secretary


async def test_unreadable_and_past_start_times_are_explained(engine: Engine) -> None:
    secretary = await to_start_question(engine)

    unreadable = await secretary.says("下周三下午")
    past = await secretary.says("2026-10-30 14:00")

    assert unreadable[0].text == "抱歉，看不懂这个时间。请按 12-05 14:00 或者 明天 14:00 这样输入。"
    assert past[0].text == "这个时间已经过去了，请输入以后的时间。"
    assert "什么时候开始" in str(past[-1].text)


async def test_an_end_before_the_start_and_a_bad_capacity_are_refused(engine: Engine) -> None:
    secretary = await to_start_question(engine)
    await secretary.says("11-05 14:00")

    before = await secretary.says("13:00")
    await secretary.says("16:00")
    zero = await secretary.says("0")
    words = await secretary.says("很多")

    assert before[0].text == "结束时间要晚于开始时间。"
    assert zero[0].text == "名额请填 1 到 2000 之间的数字。"
    assert words[0].text == "请输入一个数字，例如 30。"


async def test_a_typed_deadline_after_the_start_is_refused(engine: Engine) -> None:
    secretary = await to_start_question(engine)
    await secretary.says("11-05 14:00")
    await secretary.taps("2 小时")
    await secretary.says("30")

    late = await secretary.says("11-05 15:00")
    fine = await secretary.says("11-04 18:00")

    assert late[0].text == "报名截止时间不能晚于会议开始时间。"
    assert "请核对会议信息" in str(fine[0].text)
    assert "名额 30 人，报名截止：11月4日（周三）18:00。" in str(fine[0].text)


async def test_back_returns_to_the_previous_question_of_the_plan(engine: Engine) -> None:
    secretary = await to_start_question(engine)
    await secretary.says("11-05 14:00")

    back = await secretary.taps("⬅️ 返回")

    assert "什么时候开始" in str(back[-1].text)


async def test_a_resident_cannot_start_planning(engine: Engine) -> None:
    alice = await joined(engine, "1", ALICE_PHONE)

    refused = await alice.says("/newmeeting")

    assert refused[0].text == "抱歉，您没有权限办理这项事务。"


async def test_a_topic_may_be_told_by_voice(engine: Engine) -> None:
    alice = await joined(engine, "1", ALICE_PHONE)
    await alice.says("/propose")
    await alice.taps("🏡 我们组的事（宅基议事）")
    await alice.says("桥边路灯坏了")

    sticker = await alice.send(EventKind.OTHER)
    voiced = await alice.send(EventKind.VOICE, media=Media("voice-1", 1000, "audio/ogg", duration=5))
    done = await alice.taps("✅ 确认提交")

    assert sticker[0].text == "请打几句话，或者发一段语音。"
    assert "（一段语音）" in str(voiced[-1].text)  # after a message that takes the typing keyboard away
    assert "您的议题「桥边路灯坏了」已提交" in str(done[0].text)
    assert "➕ 更多" in labels(done)  # back at the menu


async def test_a_title_too_short_is_refused(engine: Engine) -> None:
    alice = await joined(engine, "1", ALICE_PHONE)
    await alice.says("/propose")
    await alice.taps("🏘 全村的事（村级议事）")

    short = await alice.says("灯")

    assert short[0].text == "请输入一个简短的标题，2 到 40 个字。"


async def plan(secretary: Chat, *, level: str, scope: str | None = None) -> None:
    await secretary.says("/newmeeting")
    await secretary.taps(level)
    if scope:
        await secretary.taps(scope)
    await secretary.says("垃圾分类议事会")
    await secretary.taps("➡️ 下一步")
    await secretary.taps("客堂汇")
    await secretary.says("张家客堂")
    await secretary.says("11-05 14:00")
    await secretary.taps("2 小时")
    await secretary.taps("20")
    await secretary.taps("会前一天")
    await secretary.taps("📢 现在发布")


async def test_a_group_meeting_offers_only_groups_and_a_social_one_the_village_too(engine: Engine) -> None:
    secretary = await joined(engine, "9", SECRETARY_PHONE)
    await secretary.says("/newmeeting")

    homestead = await secretary.taps("宅基议事")
    await secretary.taps("⬅️ 返回")
    social = await secretary.taps("社会组织议事")
    await secretary.taps("一组")
    title = await secretary.says("垃圾分类议事会")

    assert labels(homestead)[:3] == ["一组", "二组", "三组"]
    assert "全村" not in labels(homestead)
    assert labels(social)[:2] == ["全村", "一组"]
    assert "请点选要在会上讨论的议题" in str(title[-1].text) or "没有可以放进" in str(title[-1].text)


async def test_a_resident_checks_in_from_the_meetings_page(engine: Engine, clock: ManualClock) -> None:
    secretary = await joined(engine, "9", SECRETARY_PHONE)
    alice = await joined(engine, "1", ALICE_PHONE)
    await plan(secretary, level="村级议事")
    code = next(part.split("（")[0] for r in secretary.replies for part in str(r.text).split("签到码：")[1:])
    await alice.says("/meetings")
    await alice.taps("垃圾分类议事会")
    await alice.taps("✋ 我要报名")
    clock.set(datetime(2026, 11, 5, 13, 30, tzinfo=SHANGHAI))
    await alice.says("/meetings")
    page = await alice.taps("垃圾分类议事会")

    await alice.taps("✅ 现场签到")
    done = await alice.says(code)

    assert "✅ 现场签到" in labels(page)
    assert "签到成功" in str(done[0].text)


async def test_my_topics_and_past_meetings_show_what_became_of_them(engine: Engine, clock: ManualClock) -> None:
    alice = await joined(engine, "1", ALICE_PHONE)
    secretary = await joined(engine, "9", SECRETARY_PHONE)
    await alice.says("/propose")
    await alice.taps("🏘 全村的事（村级议事）")
    await alice.says("村里建老年食堂")
    await alice.says("方便老人吃饭")
    await alice.taps("✅ 确认提交")
    await plan(secretary, level="村级议事")
    clock.set(datetime(2026, 11, 6, 9, 0, tzinfo=SHANGHAI))

    await alice.says("/topics")
    mine = await alice.taps("🙋 我提的议题")
    await alice.says("/meetings")
    past = await alice.taps("📜 往期议事")

    assert "• 村里建老年食堂 — 征集附议中" in str(mine[0].text)
    assert "垃圾分类议事会 — 到会 0 人，决议待公布" in str(past[0].text)
