"""The pieces of WeChat's routing: teasers within 20 characters, the windows pushes open, what we keep."""

from __future__ import annotations

from datetime import timedelta

from bot.wechat.fake.inputs import InputFactory
from bot.wechat.parsing import parse_input
from bot.wechat.reach import ACTION_WINDOW, MESSAGE_WINDOW, open_window, window_of
from bot.wechat.routing import client_msg_id, teaser_text
from storage.database import Database
from storage.wechat_routing import WechatSubscriptionRepository, WechatWindowRepository
from tests.conftest import on_both_backends
from village.clock import ManualClock

PERSON = "o_person_1"


def test_a_teaser_is_one_line_without_emoji_within_20_characters() -> None:
    teaser = teaser_text("📢【通知】和美村\n本周六上午清理河道，请各户派一人。")

    assert teaser == "【通知】和美村 本周六上午清理河道，请…"
    assert len(teaser) == 20


def test_a_short_text_is_its_own_teaser() -> None:
    assert teaser_text("会议改期 ✅") == "会议改期"


def test_a_long_outbox_key_becomes_a_64_character_client_msg_id() -> None:
    key = "score:" + "x" * 100

    assert len(client_msg_id(key)) <= 64
    assert client_msg_id(key) == client_msg_id(key)
    assert client_msg_id("score:1>i1") == "score:1>i1"


def test_a_message_opens_the_long_window_and_a_tap_the_short_one(clock: ManualClock) -> None:
    inputs = InputFactory(clock)

    assert window_of(parse_input(inputs.text(PERSON, "你好").xml)) == MESSAGE_WINDOW
    assert window_of(parse_input(inputs.text(PERSON, "报名", menu_id="1").xml)) == ACTION_WINDOW
    assert window_of(parse_input(inputs.click(PERSON, "k1").xml)) == ACTION_WINDOW
    assert window_of(parse_input(inputs.subscribe(PERSON).xml)) == ACTION_WINDOW
    assert window_of(parse_input(inputs.view(PERSON, "http://x").xml)) is None
    assert window_of(parse_input(inputs.unsubscribe(PERSON).xml)) is None


@on_both_backends
async def test_the_predicted_window_counts_our_messages_and_closes_after_48_hours(
        database: Database, clock: ManualClock) -> None:
    async with database.transaction() as store:
        await open_window(store.connection, parse_input(InputFactory(clock).text(PERSON, "你好").xml))
        windows = WechatWindowRepository(store.connection)
        await windows.use(PERSON, 4)
        open_after_four = await windows.is_open(PERSON, clock.now())
        await windows.use(PERSON, 1)
        open_after_five = await windows.is_open(PERSON, clock.now())

    assert open_after_four
    assert not open_after_five


async def test_a_retried_push_does_not_reopen_a_used_window(database: Database, clock: ManualClock) -> None:
    push = parse_input(InputFactory(clock).text(PERSON, "你好").xml)
    async with database.transaction() as store:
        await open_window(store.connection, push)
        await WechatWindowRepository(store.connection).close(PERSON)
        clock.advance(timedelta(seconds=5))
        await open_window(store.connection, push)  # WeChat's retry: the same CreateTime
        still_closed = not await WechatWindowRepository(store.connection).is_open(PERSON, clock.now())

    assert still_closed


async def test_the_window_has_passed_after_48_hours(database: Database, clock: ManualClock) -> None:
    async with database.transaction() as store:
        await open_window(store.connection, parse_input(InputFactory(clock).text(PERSON, "你好").xml))
        clock.advance(timedelta(hours=48))
        gone = not await WechatWindowRepository(store.connection).is_open(PERSON, clock.now())

    assert gone


@on_both_backends
async def test_one_time_acceptances_add_up_and_a_long_term_one_is_not_used_up(
        database: Database, clock: ManualClock) -> None:
    async with database.transaction() as store:
        subscriptions = WechatSubscriptionRepository(store.connection)
        await subscriptions.accept(PERSON, "T1", clock.now(), long_term=False)
        await subscriptions.accept(PERSON, "T1", clock.now(), long_term=False)
        await subscriptions.use(PERSON, "T1", clock.now())
        one_left = await subscriptions.accepted(PERSON, "T1")
        await subscriptions.use(PERSON, "T1", clock.now())
        none_left = not await subscriptions.accepted(PERSON, "T1")
        await subscriptions.accept(PERSON, "T2", clock.now(), long_term=True)
        await subscriptions.use(PERSON, "T2", clock.now())
        long_term = await subscriptions.accepted(PERSON, "T2")

    assert one_left
    assert none_left
    assert long_term


async def test_a_person_without_a_recorded_window_is_tried(database: Database, clock: ManualClock) -> None:
    async with database.transaction() as store:
        tried = await WechatWindowRepository(store.connection).is_open("o_seen_before_windows_were_kept", clock.now())

    assert tried


async def test_a_message_in_the_same_second_as_a_follow_opens_the_long_window(
        database: Database, clock: ManualClock) -> None:
    inputs = InputFactory(clock)
    async with database.transaction() as store:
        await open_window(store.connection, parse_input(inputs.subscribe(PERSON).xml))
        await open_window(store.connection, parse_input(inputs.text(PERSON, "你好").xml))
        clock.advance(timedelta(hours=1))
        still_open = await WechatWindowRepository(store.connection).is_open(PERSON, clock.now())

    assert still_open
