"""The client against the fake: windows and re-route codes, 45009 pauses, errcodes on HTTP 200, faults."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest

from bot.wechat.client import MenuOption, WechatClient
from bot.wechat.errors import (
    DailyQuotaError,
    NotFollowerError,
    NotSubscribedError,
    PermanentError,
    RerouteError,
    TransientError,
    WindowClosedError,
    WindowUsedUpError,
)
from bot.wechat.fake import FakeWechat, Trigger
from bot.wechat.pauses import QUOTA_ZONE
from tests.wechat.conftest import Alerts, client_for
from village.clock import ManualClock

SEND = "cgi-bin/message/custom/send"


async def test_a_persons_message_allows_five_messages(fake: FakeWechat, client: WechatClient) -> None:
    fake.has_written("o-zhang")
    for n in range(5):
        await client.send_text("o-zhang", str(n))

    with pytest.raises(WindowUsedUpError) as refused:
        await client.send_text("o-zhang", "6")

    assert (refused.value.errcode, isinstance(refused.value, RerouteError)) == (45047, True)
    assert fake.sent_to("o-zhang") == ["0", "1", "2", "3", "4"]


async def test_the_message_window_closes_after_48_hours(fake: FakeWechat, client: WechatClient,
                                                        clock: ManualClock) -> None:
    fake.has_written("o-zhang")
    clock.advance(timedelta(hours=48))

    with pytest.raises(WindowClosedError):
        await client.send_text("o-zhang", "late")


async def test_a_tap_allows_three_messages_within_a_minute(fake: FakeWechat, client: WechatClient,
                                                           clock: ManualClock) -> None:
    fake.has_written("o-zhang", Trigger.ACTION)
    for n in range(3):
        await client.send_text("o-zhang", str(n))
    with pytest.raises(WindowUsedUpError):
        await client.send_text("o-zhang", "4")
    fake.has_written("o-zhang", Trigger.ACTION)  # a new trigger resets the count
    clock.advance(timedelta(seconds=61))

    with pytest.raises(WindowClosedError):
        await client.send_text("o-zhang", "5")


async def test_a_new_message_resets_the_count_rather_than_adding(fake: FakeWechat, client: WechatClient) -> None:
    fake.has_written("o-zhang")
    for n in range(4):
        await client.send_text("o-zhang", str(n))
    fake.has_written("o-zhang", Trigger.ACTION)

    for n in range(3):
        await client.send_text("o-zhang", f"again {n}")

    with pytest.raises(WindowUsedUpError):
        await client.send_text("o-zhang", "too many")


async def test_nobody_who_never_wrote_can_be_sent_to(client: WechatClient) -> None:
    with pytest.raises(WindowClosedError):
        await client.send_text("o-stranger", "hi")


async def test_a_msgmenu_shows_its_options(fake: FakeWechat, client: WechatClient) -> None:
    fake.has_written("o-zhang")

    await client.send_menu("o-zhang", "请选择：", [MenuOption("101", "报名"), MenuOption("102", "取消")])

    assert fake.sent_to("o-zhang") == ["请选择：\n报名\n取消"]


async def test_a_daily_quota_pauses_the_route_until_midnight_and_alerts_once(
        fake: FakeWechat, client: WechatClient, clock: ManualClock, alerts: Alerts) -> None:
    fake.has_written("o-zhang")
    fake.faults.limit_daily(SEND, 1)
    await client.send_text("o-zhang", "1")
    midnight = datetime(2026, 11, 3, 0, 0, tzinfo=QUOTA_ZONE)

    with pytest.raises(DailyQuotaError) as first:
        await client.send_text("o-zhang", "2")
    calls = len(fake.api.calls)
    with pytest.raises(DailyQuotaError) as second:
        await client.send_text("o-zhang", "3")

    assert first.value.until == second.value.until == midnight
    assert len(fake.api.calls) == calls  # paused: no request at all
    assert alerts.raised == [(SEND, midnight)]


async def test_a_paused_route_resumes_at_the_fakes_midnight(fake: FakeWechat, client: WechatClient,
                                                            clock: ManualClock) -> None:
    fake.has_written("o-zhang")
    fake.faults.limit_daily(SEND, 1)
    await client.send_text("o-zhang", "1")
    with pytest.raises(DailyQuotaError):
        await client.send_text("o-zhang", "2")
    clock.set(datetime(2026, 11, 2, 23, 59, tzinfo=QUOTA_ZONE))
    with pytest.raises(DailyQuotaError):
        await client.send_text("o-zhang", "3")
    clock.set(datetime(2026, 11, 3, 0, 0, 1, tzinfo=QUOTA_ZONE))

    await client.send_text("o-zhang", "4")

    assert fake.sent_to("o-zhang") == ["1", "4"]


async def test_a_pause_stops_only_its_route(fake: FakeWechat, client: WechatClient) -> None:
    fake.has_written("o-zhang")
    fake.faults.fail(SEND, 45009)
    with pytest.raises(DailyQuotaError):
        await client.send_text("o-zhang", "1")

    await client.send_template("o-zhang", "TPL", {"thing1": "您有一条村务通知"})

    assert fake.sent_to("o-zhang") == ["您有一条村务通知"]


async def test_system_busy_is_transient(fake: FakeWechat, client: WechatClient) -> None:
    fake.has_written("o-zhang")
    fake.faults.fail(SEND, -1)

    with pytest.raises(TransientError) as refused:
        await client.send_text("o-zhang", "1")

    assert (refused.value.errcode, refused.value.outcome_unknown) == (-1, False)


async def test_a_5xx_is_transient_with_an_unknown_outcome(fake: FakeWechat, client: WechatClient) -> None:
    fake.has_written("o-zhang")
    fake.faults.fail_http(SEND, 502)

    with pytest.raises(TransientError) as refused:
        await client.send_text("o-zhang", "1")

    assert refused.value.outcome_unknown


async def test_a_timeout_after_sending_is_an_unknown_outcome(fake: FakeWechat, clock: ManualClock) -> None:
    fake.has_written("o-zhang")
    fake.faults.delay(SEND, 0.5)

    async with httpx.AsyncClient(timeout=0.2) as impatient:
        with pytest.raises(TransientError) as refused:
            await client_for(fake, impatient, clock).send_text("o-zhang", "1")

    assert refused.value.outcome_unknown


async def test_the_network_down_is_transient(fake: FakeWechat, http: httpx.AsyncClient, clock: ManualClock) -> None:
    await fake.stop()

    with pytest.raises(TransientError):
        await client_for(fake, http, clock).send_text("o-zhang", "1")


async def test_a_subscription_notification_needs_a_subscription_and_uses_up_a_one_time_one(
        fake: FakeWechat, client: WechatClient) -> None:
    with pytest.raises(NotSubscribedError):
        await client.send_subscription("o-zhang", "TPL", {"thing1": "您有一条村务通知"})
    fake.world.subscribe("o-zhang", "TPL")

    await client.send_subscription("o-zhang", "TPL", {"thing1": "您有一条村务通知"}, page="https://h5/x")
    with pytest.raises(NotSubscribedError) as used_up:
        await client.send_subscription("o-zhang", "TPL", {"thing1": "又一条"})

    assert used_up.value.errcode == 43101
    assert fake.sent_to("o-zhang") == ["您有一条村务通知"]


async def test_a_long_term_subscription_is_not_used_up(fake: FakeWechat, client: WechatClient) -> None:
    fake.world.subscribe("o-zhang", "TPL", long_term=True)

    for _ in range(3):
        await client.send_subscription("o-zhang", "TPL", {"thing1": "通知"})

    assert len(fake.sent_to("o-zhang")) == 3


@pytest.mark.parametrize("value", ["这是一条超过二十个字的很长很长很长的通知内容啊", "两行\n文字"])
async def test_a_thing_field_over_20_characters_or_with_a_line_break_is_refused(
        fake: FakeWechat, client: WechatClient, value: str) -> None:
    fake.world.subscribe("o-zhang", "TPL")

    with pytest.raises(PermanentError) as refused:
        await client.send_subscription("o-zhang", "TPL", {"thing1": value})

    assert refused.value.errcode == 47003


async def test_a_template_message_needs_a_follower(fake: FakeWechat, client: WechatClient) -> None:
    with pytest.raises(NotFollowerError):
        await client.send_template("o-gone", "TPL", {"thing1": "通知"})
    fake.world.follow("o-zhang")

    msgid = await client.send_template("o-zhang", "TPL", {"thing1": "通知"}, url="https://h5/x")

    assert msgid
    assert fake.sent_to("o-zhang") == ["通知"]


async def test_a_mass_send_reaches_a_person_four_times_a_month(fake: FakeWechat, client: WechatClient) -> None:
    for open_id in ("o-zhang", "o-wang"):
        fake.world.follow(open_id)

    for n in range(5):
        await client.mass_send_text(["o-zhang", "o-wang"], f"月报 {n}", client_msg_id=f"digest-{n}")

    assert fake.sent_to("o-zhang") == ["月报 0", "月报 1", "月报 2", "月报 3"]


async def test_a_repeated_client_msg_id_sends_nothing_and_returns_the_first_job(fake: FakeWechat,
                                                                                client: WechatClient) -> None:
    for open_id in ("o-zhang", "o-wang"):
        fake.world.follow(open_id)
    first = await client.mass_send_text(["o-zhang", "o-wang"], "月报", client_msg_id="digest-2026-11")

    again = await client.mass_send_text(["o-zhang", "o-wang"], "月报", client_msg_id="digest-2026-11")

    assert again == first
    assert fake.sent_to("o-zhang") == ["月报"]
