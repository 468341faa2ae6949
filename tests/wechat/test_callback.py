"""The callback: handshake, safe-mode pushes, passive replies, retries, the budget."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import xmltodict

from bot.wechat.fake.pushes import PushAccount, Pusher
from bot.wechat.inputs import Followed, Input, TextMessage
from bot.wechat.passive import PassiveReply, PassiveText
from tests.wechat.conftest import APP_ID, URL, Account, Recorder, connected, wechat_settings
from village.clock import ManualClock


async def test_the_handshake_echoes_echostr_when_signed(account: Account) -> None:
    answer = await account.pusher.handshake("echo-42")

    assert (answer.status_code, answer.text) == (200, "echo-42")


async def test_the_handshake_with_another_token_is_refused_without_text(account: Account, clock: ManualClock) -> None:
    forger = Pusher(account.http, PushAccount(URL, "guessed-token", APP_ID), clock)

    answer = await forger.handshake("echo-42")

    assert (answer.status_code, answer.text) == (403, "")


async def test_a_stale_handshake_is_refused(account: Account, clock: ManualClock) -> None:
    old = ManualClock(clock.now() - timedelta(seconds=301))
    replayer = Pusher(account.http, PushAccount(URL, "fake-token", APP_ID), old)

    answer = await replayer.handshake()

    assert answer.status_code == 403


async def test_an_encrypted_text_reaches_the_handler_and_gets_an_encrypted_passive_reply(account: Account) -> None:
    account.handler.reply = PassiveText("收到，谢谢")

    answer = await account.pusher.push(account.inputs.text("o-zhang", "路灯坏了").xml)

    assert answer.status_code == 200
    reply = xmltodict.parse(account.pusher.decrypt_reply(answer.text))["xml"]
    assert (reply["ToUserName"], reply["MsgType"], reply["Content"]) == ("o-zhang", "text", "收到，谢谢")
    assert [(type(r), r.open_id) for r in account.handler.received] == [(TextMessage, "o-zhang")]


async def test_no_reply_answers_success(account: Account) -> None:
    answer = await account.pusher.push(account.inputs.subscribe("o-zhang", scene="FX01-0042").xml)

    assert answer.text == "success"
    assert isinstance(account.handler.received[0], Followed)


async def test_plaintext_is_refused_once_aes_is_configured(account: Account) -> None:
    answer = await account.pusher.push(account.inputs.text("o-zhang", "hi").xml, encrypted=False)

    assert (answer.status_code, answer.text) == (403, "")
    assert account.handler.received == []


async def test_plaintext_mode_works_for_the_sandbox_account(clock: ManualClock) -> None:
    async with connected(wechat_settings(aes=False), clock, handler=Recorder(PassiveText("好的"))) as sandbox:
        answer = await sandbox.pusher.push(sandbox.inputs.text("o-li", "hi").xml)

    assert xmltodict.parse(answer.text)["xml"]["Content"] == "好的"


async def test_wechats_retry_of_a_message_reaches_the_handler_once(account: Account) -> None:
    push = account.inputs.text("o-zhang", "路灯坏了")

    answers = [await account.pusher.push(push.xml) for _ in range(3)]

    assert [a.text for a in answers[1:]] == ["success", "success"]
    assert len(account.handler.received) == 1


async def test_a_retried_event_reaches_the_handler_once_but_a_later_one_does(account: Account,
                                                                           clock: ManualClock) -> None:
    click = account.inputs.click("o-zhang", "MY_REPORTS")
    await account.pusher.push(click.xml)
    await account.pusher.push(click.xml)
    clock.advance(timedelta(seconds=1))

    await account.pusher.push(account.inputs.click("o-zhang", "MY_REPORTS").xml)

    assert len(account.handler.received) == 2


async def test_an_unknown_event_answers_success_without_the_handler(account: Account) -> None:
    answer = await account.pusher.push(account.inputs.raw_event("o-zhang", "user_pay_from_pay_cell").xml)

    assert (answer.status_code, answer.text) == (200, "success")
    assert account.handler.received == []


async def test_a_failing_handler_still_answers_success(clock: ManualClock) -> None:
    async def fails(received: Input) -> PassiveReply | None:
        raise RuntimeError("boom")

    async with connected(wechat_settings(), clock, handler=fails) as broken:
        answer = await broken.pusher.push(broken.inputs.text("o-zhang", "hi").xml)

    assert (answer.status_code, answer.text) == (200, "success")


async def test_a_reply_past_the_budget_answers_success_and_goes_to_the_late_sender(clock: ManualClock) -> None:
    release, late = asyncio.Event(), asyncio.Queue[tuple[str, PassiveReply]]()

    async def slow(received: Input) -> PassiveReply | None:
        await release.wait()
        return PassiveText("晚到的回复")

    async def send_late(received: Input, reply: PassiveReply) -> None:
        await late.put((received.open_id, reply))

    async with connected(wechat_settings(), clock, handler=slow, on_late_reply=send_late,
                         budget_seconds=0.05) as busy:
        answer = await busy.pusher.push(busy.inputs.text("o-zhang", "hi").xml)
        release.set()
        outcome = await asyncio.wait_for(late.get(), timeout=5)

    assert answer.text == "success"
    assert outcome == ("o-zhang", PassiveText("晚到的回复"))
