"""WeChat's side of a push: retries run the step once, a slow step answers by customer-service message,
a forged push changes nothing, and unfollowing stops messages until the person follows again."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import func, select

from bot.wechat.codec import encode
from bot.wechat.events import dedup_digest
from bot.wechat.fake.harness import FAKE_AES_KEY, WechatHarness
from bot.wechat.fake.pushes import PushAccount, Pusher
from bot.wechat.parsing import parse_input
from handlers.replies import Reply, to_payload
from storage.database import Database
from storage.tables import identities, outbox, wechat_inbound
from storage.wechat_inbound import WechatInboundRepository
from tests.e2e.wechat.conftest import WANG, join, number_of
from village.clock import ManualClock
from village.outbox import MessageKind, NewMessage

PHOTO = b"\xff\xd8\xff\xe0-photo-of-rubbish"


async def count(database: Database, table: object) -> int:
    async with database.transaction() as store:
        return int((await store.connection.execute(select(func.count()).select_from(table))).scalar() or 0)


async def test_the_same_push_three_times_runs_the_step_once(wx: WechatHarness, database: Database) -> None:
    await join(wx, WANG)
    handled = wx.endpoint.intake.handled if wx.endpoint.intake else 0
    push = wx.fake.inputs.text(WANG, "📣 我要反映")

    answers = [await wx.answer_of(WANG, await wx.fake.deliver(push)) for _ in range(3)]

    assert answers[0].passive is not None
    assert "是哪一类问题" in answers[0].passive
    assert [a.passive for a in answers[1:]] == [answers[0].passive] * 2  # a lost answer is given again
    assert wx.endpoint.intake is not None
    assert wx.endpoint.intake.handled == handled + 1
    assert await count(database, outbox) == 0


async def test_a_slow_step_answers_success_and_the_reply_comes_by_customer_service(wx: WechatHarness) -> None:
    await join(wx, WANG)
    categories = await wx.says(WANG, "📣 我要反映")
    await wx.says(WANG, number_of(categories.text, "垃圾/环境卫生"))
    await wx.says(WANG, "路边垃圾堆了三天，没人清理")
    assert wx.endpoint.intake is not None
    wx.endpoint.intake.passive_seconds = 0.2
    wx.fake.faults.delay("cgi-bin/media/get", 0.4)  # the photo's download makes the step late

    answer = await wx.answer_of(WANG, await wx.fake.sends_photo(WANG, PHOTO))

    assert answer.passive is None  # `success`
    assert len(answer.later) == 1
    assert "第 1 张照片收到了" in answer.later[0]
    assert wx.fake.world.sent[WANG][-1].msg_type == "msgmenu"  # its choices as tappable options
    next_step = await wx.taps(WANG, "➡️ 下一步", "1")
    assert "位置" in next_step.text


async def test_a_push_with_a_forged_signature_changes_nothing(wx: WechatHarness, database: Database) -> None:
    before = (await count(database, identities), await count(database, wechat_inbound))
    forger = Pusher(wx.http, PushAccount(wx.endpoint.url, "guessed-token", wx.fake.app_id, FAKE_AES_KEY), wx.clock)

    response: httpx.Response = await forger.push(wx.fake.inputs.text(WANG, "/start").xml)

    assert response.status_code == 403
    assert response.text == ""
    assert (await count(database, identities), await count(database, wechat_inbound)) == before


async def test_unfollowing_marks_the_person_unreachable_and_following_again_restores(
        wx: WechatHarness, database: Database, clock: ManualClock) -> None:
    await join(wx, WANG)
    clock.advance(timedelta(minutes=1))  # events are told apart by the second they happen in

    await wx.sends(wx.fake.inputs.unsubscribe(WANG))
    clock.advance(timedelta(minutes=1))
    async with database.transaction() as store:
        gone = await store.identities.seen("wechat", WANG, chat_ref=WANG, display_name="", now=wx.clock.now())
    back = await wx.sends(wx.fake.inputs.subscribe(WANG))
    async with database.transaction() as store:
        returned = await store.identities.seen("wechat", WANG, chat_ref=WANG, display_name="", now=wx.clock.now())

    assert gone.unreachable_since is not None
    assert returned.unreachable_since is None
    assert "欢迎回来" in back.text


async def test_a_message_for_a_closed_window_is_parked_and_delivered_when_the_person_writes_again(
        wx: WechatHarness, database: Database, clock: ManualClock) -> None:
    await join(wx, WANG)
    clock.advance(timedelta(hours=49))  # the 48-hour window of the person's last message has closed
    async with database.transaction() as store:
        identity = await store.identities.seen("wechat", WANG, chat_ref=WANG, display_name="", now=clock.now())
        await store.outbox.add_many([NewMessage("notice:1>i1", identity.id, to_payload(Reply("村务通知")),
                                                kind=MessageKind.NOTICE_BROADCAST)], clock.now())

    await wx.runtime.settle()
    async with database.transaction() as store:
        status = (await store.connection.execute(select(outbox.c.status))).scalar()
        after = await store.identities.get(identity.id)
    missed = wx.new_messages(WANG)
    answer = await wx.sends(wx.fake.inputs.text(WANG, "你好"))
    await wx.runtime.settle()

    assert status == "parked"
    assert after is not None
    assert after.unreachable_since is None
    assert missed == []
    assert any("村务通知" in m for m in [*answer.later, *wx.new_messages(WANG)])


async def test_a_push_left_pending_is_handled_before_the_same_persons_next_one(wx: WechatHarness,
                                                                               database: Database) -> None:
    await join(wx, WANG)
    left = wx.fake.inputs.text(WANG, "📣 我要反映")  # recorded by a process that died before its step
    async with database.transaction() as store:
        await WechatInboundRepository(store.connection).record(
            dedup_digest(parse_input(left.xml).dedup_key), WANG, encode(parse_input(left.xml)), wx.clock.now())

    answer = await wx.says(WANG, "3")  # the third category of the question the pending push asks

    assert any("是哪一类问题" in text for text in answer.later)  # its reply, by customer-service message
    assert answer.passive is not None
    assert "请说一说是什么问题" in answer.passive


async def test_a_message_queued_while_unfollowed_arrives_after_following_again(
        wx: WechatHarness, database: Database, clock: ManualClock) -> None:
    await join(wx, WANG)
    clock.advance(timedelta(minutes=1))
    await wx.sends(wx.fake.inputs.unsubscribe(WANG))
    async with database.transaction() as store:
        identity = await store.identities.seen("wechat", WANG, chat_ref=WANG, display_name="", now=clock.now())
        await store.outbox.add_many([NewMessage("score:1>i1", identity.id, to_payload(Reply("本月积分已公布")),
                                                kind=MessageKind.SCORE_PUBLISHED)], clock.now())
    await wx.runtime.settle()
    while_away = wx.new_messages(WANG)

    clock.advance(timedelta(minutes=1))
    back = await wx.sends(wx.fake.inputs.subscribe(WANG))
    await wx.runtime.settle()

    assert while_away == []
    assert any("本月积分已公布" in m for m in [*back.later, *wx.new_messages(WANG)])
