"""The WeChat channel: customer-service messages, choices as msgmenu, errcodes as delivery outcomes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bot.channels import NotReachableNowError, PermanentError, RoutePausedError, TemporaryError
from bot.media import MediaKeeper
from bot.wechat.channel import WechatChannel
from bot.wechat.client import WechatClient
from bot.wechat.fake import FakeWechat
from handlers.replies import Choice, Reply
from storage.database import Database
from storage.wechat_inbound import WechatOfferRepository
from village.clock import ManualClock
from village.media import MediaPolicy
from village.outbox import MessageKind, OutboxItem, OutboxStatus

PERSON = "o_person_1"
SEND = "cgi-bin/message/custom/send"


@pytest.fixture
def channel(client: WechatClient, database: Database, clock: ManualClock, tmp_path: Path) -> WechatChannel:
    return WechatChannel(client, database, clock, MediaKeeper(tmp_path, MediaPolicy(), database, clock))


async def test_a_text_goes_as_a_customer_service_message_split_at_2048_bytes(
        channel: WechatChannel, fake: FakeWechat) -> None:
    fake.has_written(PERSON)

    await channel.send(PERSON, Reply("字" * 700))

    assert [len(t.encode()) for t in fake.sent_to(PERSON)] == [2046, 54]


async def test_choices_go_as_a_msgmenu_and_are_remembered(channel: WechatChannel, fake: FakeWechat,
                                                          database: Database) -> None:
    fake.has_written(PERSON)
    choices = ((Choice("✅ 同意", "jr:ok:1"), Choice("❌ 拒绝", "jr:no:1")),)

    await channel.send(PERSON, Reply("新的入村申请", choices=choices))

    [sent] = fake.world.sent[PERSON]
    assert sent.msg_type == "msgmenu"
    assert [(i["id"], i["content"]) for i in sent.payload["msgmenu"]["list"]] == [("1", "✅ 同意"), ("2", "❌ 拒绝")]
    async with database.transaction() as store:
        offers = await WechatOfferRepository(store.connection).of(PERSON)
    assert [(o.position, o.payload) for o in offers] == [(1, "jr:ok:1"), (2, "jr:no:1")]


async def test_a_closed_window_is_not_reachable_now(channel: WechatChannel, fake: FakeWechat) -> None:
    fake.world.follow(PERSON)  # following, but has not written: no window

    with pytest.raises(NotReachableNowError):
        await channel.send(PERSON, Reply("您好"))


async def test_the_daily_quota_pauses_until_midnight_in_shanghai(channel: WechatChannel, fake: FakeWechat,
                                                                 clock: ManualClock) -> None:
    fake.has_written(PERSON)
    fake.faults.fail(SEND, 45009)

    with pytest.raises(RoutePausedError) as paused:
        await channel.send(PERSON, Reply("您好"))

    assert clock.now() + paused.value.retry_after == datetime.fromisoformat("2026-11-03T00:00:00+08:00")


async def test_a_busy_wechat_is_temporary_and_a_bad_request_permanent(channel: WechatChannel,
                                                                      fake: FakeWechat) -> None:
    fake.has_written(PERSON)
    fake.faults.fail(SEND, -1)

    with pytest.raises(TemporaryError):
        await channel.send(PERSON, Reply("您好"))
    fake.faults.fail_http(SEND, 404)
    with pytest.raises(PermanentError):
        await channel.send(PERSON, Reply("您好"))


def outbox_item(clock: ManualClock, *, resend_safe: bool) -> OutboxItem:
    return OutboxItem(id=1, key="notice:1>i1", identity_id=1, payload={}, priority=5, status=OutboxStatus.SENDING,
                      not_before=clock.now(), attempts=1, created_at=clock.now(), chat_ref=PERSON,
                      kind=MessageKind.NOTICE_BROADCAST, resend_safe=resend_safe)


async def test_an_unknown_outcome_is_not_resent_for_a_kind_unsafe_to_see_twice(
        channel: WechatChannel, fake: FakeWechat, clock: ManualClock) -> None:
    fake.has_written(PERSON)
    fake.faults.fail_http(SEND, 502, times=2)  # the request went out; WeChat's answer is lost

    with pytest.raises(PermanentError, match="outcome unknown"):
        await channel.deliver(outbox_item(clock, resend_safe=False), Reply("村务通知"))
    with pytest.raises(TemporaryError):
        await channel.deliver(outbox_item(clock, resend_safe=True), Reply("村务通知"))
