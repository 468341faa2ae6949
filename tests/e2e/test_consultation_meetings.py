"""Meetings end to end: sign-up to capacity, the waitlist, the deadline, reminders across a restart,
a moved or cancelled meeting, check-in by code, the two disclosures, calendar files, forged buttons."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest

from bot.emulator.harness import Harness
from storage.database import Database
from tests.conftest import SHANGHAI
from tests.e2e.conftest import ALICE, CM_SECRETARY, MING, SECRETARY, join
from tests.e2e.consultation import (
    CM_RESIDENT,
    QIAN,
    SUPERVISOR,
    WANG,
    ZHAO,
    button_data,
    checkin_code,
    consultation_bot,
    count,
    plan_meeting,
    propose,
)
from village.clock import ManualClock

MEETING_START = datetime(2026, 11, 5, 14, 0, tzinfo=SHANGHAI)  # the meeting plan_meeting makes by default


@pytest.fixture
async def bot(db_url: str, database: Database, clock: ManualClock) -> AsyncIterator[Harness]:
    async with consultation_bot(db_url, database, clock) as harness:
        yield harness


async def meeting_with(bot: Harness, *people: object, seats: str = "20", title: str = "村道修缮议事会") -> None:
    for user in (SECRETARY, *people):
        await join(bot, user)  # type: ignore[arg-type]
    await plan_meeting(bot, SECRETARY, title, seats=seats)


async def run_reminders(bot: Harness) -> None:
    await bot.runtime.scheduler.run("meeting_reminders", bot.runtime.clock.now())
    await bot.runtime.dispatcher.drain()


async def test_no_sign_up_after_the_deadline(bot: Harness, clock: ManualClock) -> None:
    await meeting_with(bot, ALICE)
    clock.set(MEETING_START - timedelta(hours=23))

    late = await bot.tg.user_taps(ALICE, "✋ 我要报名")

    assert "这次会议的报名已经截止了" in late[0].text


async def test_reminders_go_once_each_also_across_a_restart(bot: Harness, clock: ManualClock) -> None:
    await meeting_with(bot, ALICE, MING)
    await bot.tg.user_taps(ALICE, "✋ 我要报名")

    clock.set(MEETING_START - timedelta(hours=30))
    await run_reminders(bot)
    too_early = count(bot, ALICE, "开会提醒")
    clock.set(MEETING_START - timedelta(hours=23))
    await run_reminders(bot)
    await run_reminders(bot)
    await bot.restart()
    await run_reminders(bot)
    day_before = count(bot, ALICE, "开会提醒")
    clock.set(MEETING_START - timedelta(minutes=45))
    await bot.restart()  # the catch-up run at start may send it: still only once
    await run_reminders(bot)
    await run_reminders(bot)

    assert too_early == 0
    assert day_before == 1
    assert count(bot, ALICE, "开会提醒") == 2
    assert "时间：11月5日（周四）14:00–16:00" in bot.tg.last_text(ALICE)
    assert "🙅 取消报名" in bot.tg.replies_to(ALICE)[-1].inline_labels
    assert count(bot, MING, "开会提醒") == 0


async def test_a_moved_meeting_tells_sign_ups_and_reminds_for_the_new_time(bot: Harness,
                                                                            clock: ManualClock) -> None:
    await meeting_with(bot, ALICE)
    await bot.tg.user_taps(ALICE, "✋ 我要报名")
    clock.set(MEETING_START - timedelta(hours=20))
    await run_reminders(bot)
    await bot.tg.user_taps(SECRETARY, "🗓 议事活动")
    await bot.tg.user_taps(SECRETARY, "村道修缮议事会")
    await bot.tg.user_taps(SECRETARY, "⏰ 改时间")

    past = await bot.tg.user_says(SECRETARY, "11-01 14:00")
    await bot.tg.user_says(SECRETARY, "11-12 14:00")
    backwards = await bot.tg.user_says(SECRETARY, "13:00")
    moved = await bot.tg.user_taps(SECRETARY, "2 小时")
    clock.set(datetime(2026, 11, 12, 13, 30, tzinfo=SHANGHAI))
    await run_reminders(bot)

    assert "这个时间已经过去了" in past[0].text
    assert "结束时间要晚于开始时间" in backwards[0].text
    assert "已通知 1 位报名的人" in moved[0].text
    assert any("改时间了。新时间：11月12日（周四）14:00–16:00" in t for t in bot.tg.texts_to(ALICE))
    assert count(bot, ALICE, "开会提醒") == 2
    assert "11月12日" in bot.tg.last_text(ALICE)


async def test_a_cancelled_meeting_tells_sign_ups_instead_of_reminding(bot: Harness, clock: ManualClock) -> None:
    await meeting_with(bot, ALICE, MING, seats="1")
    await bot.tg.user_taps(ALICE, "✋ 我要报名")
    await bot.tg.user_taps(MING, "✋ 我要报名")
    await bot.tg.user_taps(SECRETARY, "🗓 议事活动")
    await bot.tg.user_taps(SECRETARY, "村道修缮议事会")
    await bot.tg.user_taps(SECRETARY, "🚫 取消会议")

    done = await bot.tg.user_says(SECRETARY, "台风预警，改期再议")
    clock.set(MEETING_START - timedelta(hours=2))
    await run_reminders(bot)
    again = await bot.tg.user_taps(ALICE, "✋ 我要报名") if "✋ 我要报名" in bot.tg.buttons(ALICE) else []

    assert "已通知 2 位报名的人" in done[0].text
    for person in (ALICE, MING):
        assert "会议「村道修缮议事会」（11月5日（周四）14:00–16:00）取消了。原因：台风预警，改期再议" in \
            bot.tg.last_text(person)
        assert count(bot, person, "开会提醒") == 0
    assert again == []


async def test_check_in_by_the_venue_code(bot: Harness, clock: ManualClock) -> None:
    await meeting_with(bot, ALICE)
    await bot.tg.user_taps(ALICE, "✋ 我要报名")
    code = checkin_code(bot, SECRETARY)
    clock.set(MEETING_START - timedelta(minutes=10))

    await bot.tg.user_says(ALICE, "/checkin")
    wrong = await bot.tg.user_says(ALICE, "000000" if code != "000000" else "111111")
    done = await bot.tg.user_says(ALICE, code)
    await bot.tg.user_taps(SECRETARY, "🗓 议事活动")
    page = await bot.tg.user_taps(SECRETARY, "村道修缮议事会")

    assert "签到码不对" in wrong[0].text
    assert "还可以试 4 次" in wrong[0].text
    assert "请输入会场上公布的6位签到码" in wrong[-1].text
    assert "✅ 签到成功！欢迎参加「村道修缮议事会」" in done[0].text
    assert "到会：1 人；报名的人中有 100% 到会" in page[0].text


async def test_guessing_the_code_by_command_is_stopped_after_five_tries(bot: Harness, clock: ManualClock) -> None:
    await meeting_with(bot, ALICE, MING)
    code = checkin_code(bot, SECRETARY)
    clock.set(MEETING_START - timedelta(minutes=10))
    guesses = [f"{n:06d}" for n in range(100_000, 100_010) if f"{n:06d}" != code][:5]
    for guess in guesses:
        await bot.tg.user_says(MING, f"/checkin {guess}")

    locked = await bot.tg.user_says(MING, f"/checkin {code}")
    await bot.tg.user_taps(SECRETARY, "🗓 议事活动")
    page = await bot.tg.user_taps(SECRETARY, "村道修缮议事会")

    assert "输错的签到码太多了" in locked[0].text
    assert "到会" not in page[0].text


async def test_a_cadre_ticks_off_who_came_on_the_sign_up_sheet(bot: Harness, clock: ManualClock) -> None:
    await meeting_with(bot, ALICE, MING)
    await bot.tg.user_taps(ALICE, "✋ 我要报名")
    await bot.tg.user_taps(MING, "✋ 我要报名")
    clock.set(MEETING_START)
    await bot.tg.user_taps(SECRETARY, "🗓 议事活动")
    await bot.tg.user_taps(SECRETARY, "村道修缮议事会")
    await bot.tg.user_taps(SECRETARY, "👥 报名名单")

    ticked = await bot.tg.user_taps(SECRETARY, "☐ 张小明")

    assert "2. 张小明 ✅" in ticked[0].text
    assert "到会：1 人；报名的人中有 50% 到会" in ticked[0].text
    assert "☐ 张小明" not in ticked[0].inline_labels


async def test_the_resolution_and_the_result_reach_the_scope_and_the_topic_followers(bot: Harness,
                                                                                     clock: ManualClock) -> None:
    for user in (ALICE, MING, QIAN, SECRETARY, CM_RESIDENT):
        await join(bot, user)
    await propose(bot, ALICE, "村里建老年食堂", "方便老人吃饭")
    await plan_meeting(bot, SECRETARY, "村道修缮议事会", topics=("☐ 村里建老年食堂 👍0",))
    await bot.tg.user_taps(MING, "✋ 我要报名")
    await bot.tg.user_taps(SECRETARY, "🗓 议事活动")
    await bot.tg.user_taps(SECRETARY, "村道修缮议事会")
    early = button_data(bot, SECRETARY, "⏰ 改时间").replace("meeting_edit:move", "disclose:resolution")
    refused = await bot.tg.user_presses_data(SECRETARY, early)
    clock.set(MEETING_START + timedelta(hours=2))

    await bot.tg.user_taps(SECRETARY, "🗓 议事活动")
    await bot.tg.user_taps(SECRETARY, "📜 往期议事") if "村道修缮议事会" not in bot.tg.buttons(SECRETARY) else None
    await bot.tg.user_taps(SECRETARY, "村道修缮议事会")
    await bot.tg.user_taps(SECRETARY, "📜 公布决议")
    await bot.tg.user_says(SECRETARY, "同意建设老年食堂，年底前完工")
    published = await bot.tg.user_taps(SECRETARY, "📢 公布")
    await bot.tg.user_taps(SECRETARY, "🏁 公布实施结果")
    await bot.tg.user_says(SECRETARY, "老年食堂已开张")
    await bot.tg.user_taps(SECRETARY, "📢 公布")
    page = await bot.tg.user_taps(QIAN, "🔎 查看详情")

    assert "会议还没开始" in refused[0].text
    assert "📢 已发布，正在通知" in published[0].text
    assert any("「村道修缮议事会」决议公开\n同意建设老年食堂，年底前完工" in t for t in bot.tg.texts_to(MING))
    assert any("实施结果公开\n老年食堂已开张" in t for t in bot.tg.texts_to(QIAN))
    assert any("您提出或附议的议题「村里建老年食堂」已在「村道修缮议事会」上讨论" in t for t in bot.tg.texts_to(ALICE))
    assert "已经落实：老年食堂已开张" in bot.tg.last_text(ALICE)
    assert not any("决议公开" in t for t in bot.tg.texts_to(CM_RESIDENT))
    assert "决议（" in page[0].text
    assert "实施结果（" in page[0].text


async def test_the_calendar_file_holds_the_meeting(bot: Harness) -> None:
    await meeting_with(bot, ALICE)
    await bot.tg.user_taps(ALICE, "🔎 查看详情")

    sent = await bot.tg.user_taps(ALICE, "📅 加入手机日历")

    assert sent[0].method == "sendDocument"
    assert sent[0].file_name == "meeting-1.ics"
    assert b"BEGIN:VCALENDAR" in (sent[0].file or b"")
    assert "SUMMARY:村道修缮议事会" in (sent[0].file or b"").decode()
    assert "DTSTART:20261105T060000Z" in (sent[0].file or b"").decode()


async def test_forged_buttons_and_other_villages_are_refused(bot: Harness) -> None:
    await meeting_with(bot, ALICE, CM_RESIDENT, CM_SECRETARY, SUPERVISOR)
    page_data = button_data(bot, ALICE, "🔎 查看详情")
    meeting_id = page_data.rsplit(":", 1)[1]

    publish = await bot.tg.user_presses_data(ALICE, f"meetings:publish:{meeting_id}")
    cancel = await bot.tg.user_presses_data(ALICE, f"meeting_edit:cancel:{meeting_id}")
    sheet = await bot.tg.user_presses_data(ALICE, f"meetings:sheet:0:{meeting_id}")
    outsider = await bot.tg.user_presses_data(CM_RESIDENT, f"meetings:join:{meeting_id}")
    other_cadre = await bot.tg.user_presses_data(CM_SECRETARY, f"meeting_edit:move:{meeting_id}")
    supervisor_sheet = await bot.tg.user_presses_data(SUPERVISOR, f"meetings:sheet:0:{meeting_id}")
    garbage = await bot.tg.user_presses_data(ALICE, "meetings:join:abc")

    for refused in (publish, cancel, sheet):
        assert "您没有权限" in refused[0].text
    assert "这个按钮已失效" in garbage[0].text  # malformed data: like a stale button
    assert "只对相关的村民开放" in outsider[0].text
    assert "只对相关的村民开放" in other_cadre[0].text
    assert "👥 报名名单：村道修缮议事会" in supervisor_sheet[0].text


async def test_seats_cannot_drop_below_the_sign_ups_and_more_seats_seat_the_waitlist(bot: Harness) -> None:
    await meeting_with(bot, ALICE, MING, WANG, seats="2")
    for person in (ALICE, MING, WANG):
        await bot.tg.user_taps(person, "✋ 我要报名")
    await bot.tg.user_taps(SECRETARY, "🗓 议事活动")
    await bot.tg.user_taps(SECRETARY, "村道修缮议事会")
    await bot.tg.user_taps(SECRETARY, "🪑 改名额")

    below = await bot.tg.user_says(SECRETARY, "1")
    done = await bot.tg.user_says(SECRETARY, "3")

    assert "已经有 2 人报名，名额不能少于 2 人" in below[0].text
    assert "现在名额 3 人，已有 1 位候补递补" in done[0].text
    assert "有名额空出来了" in bot.tg.last_text(WANG)


async def test_a_group_leader_plans_a_homestead_meeting_only_for_their_group(bot: Harness) -> None:
    for user in (ZHAO, ALICE, QIAN):
        await join(bot, user)
    await bot.tg.user_taps(ZHAO, "🗓 议事活动")
    first = await bot.tg.user_taps(ZHAO, "➕ 组织议事")
    await plan_steps_after_scope(bot)
    meeting_id = button_data(bot, ZHAO, "👥 报名名单").rsplit(":", 1)[1]

    forged = await bot.tg.user_presses_data(ALICE, f"meetings:join:{meeting_id}")

    assert "请输入会议名称" in first[-1].text  # no level or scope to choose: her own group's 宅基议事
    assert "层级：宅基议事，范围：二组" in "".join(bot.tg.texts_to(ZHAO))
    assert "只对相关的村民开放" in forged[0].text
    for other in (ALICE, QIAN):
        assert not any("二组河道清淤" in t for t in bot.tg.texts_to(other))


async def plan_steps_after_scope(bot: Harness) -> None:
    await bot.tg.user_says(ZHAO, "二组河道清淤")
    await bot.tg.user_taps(ZHAO, "➡️ 下一步")
    await bot.tg.user_taps(ZHAO, "客堂汇")
    await bot.tg.user_says(ZHAO, "赵家客堂")
    await bot.tg.user_says(ZHAO, "11-06 9:00")
    await bot.tg.user_taps(ZHAO, "1 小时")
    await bot.tg.user_says(ZHAO, "10")
    await bot.tg.user_taps(ZHAO, "开会前都可以")
    await bot.tg.user_taps(ZHAO, "📢 现在发布")


async def test_a_notice_to_a_meetings_sign_ups_reaches_exactly_them(bot: Harness) -> None:
    await meeting_with(bot, ALICE, MING, WANG)
    await bot.tg.user_taps(ALICE, "✋ 我要报名")
    await bot.tg.user_taps(MING, "✋ 我要报名")
    shown = await bot.tg.user_says(SECRETARY, "/announce")
    if "✍️ 写新通知" in shown[0].inline_labels:
        await bot.tg.user_taps(SECRETARY, "✍️ 写新通知")
    await bot.tg.user_taps(SECRETARY, "📢 通知")
    await bot.tg.user_says(SECRETARY, "议事会改在村委会一楼举行。")
    await bot.tg.user_taps(SECRETARY, "⏭ 跳过")
    await bot.tg.user_taps(SECRETARY, "⏭ 跳过")
    await bot.tg.user_taps(SECRETARY, "📅 会议报名的人")

    await bot.tg.user_taps(SECRETARY, "村道修缮议事会 (11-05 14:00)")
    preview = bot.tg.last_text(SECRETARY)
    await bot.tg.user_taps(SECRETARY, "✅ 发送")

    assert preview.startswith("发给：报名参加「村道修缮议事会」的人\n共 2 人")
    assert count(bot, ALICE, "议事会改在村委会一楼举行。") == 1
    assert count(bot, MING, "议事会改在村委会一楼举行。") == 1
    assert count(bot, WANG, "议事会改在村委会一楼举行。") == 0
