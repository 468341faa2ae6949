"""One person, two identities: joined on Telegram and on WeChat, each message goes to one of them.

The bot runs both channels at once: the Telegram emulator and the fake WeChat, one database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bot.app import build_runtime
from bot.emulator.api import FakeBotApi
from bot.emulator.harness import Harness, emulator_config
from bot.wechat.fake.harness import WechatHarness, wechat_environ
from bot.wechat.fake.server import FakeWechat
from handlers.context import Notifier
from handlers.replies import Reply
from storage.database import Database
from storage.tables import outbox
from tests.e2e.conftest import ALICE, MING, SECRETARY, join
from tests.e2e.test_notices_compose import compose
from tests.e2e.wechat.conftest import WANG, household_code
from tests.e2e.wechat.test_family_invite_qr import OPENED, scanned_url
from tests.factories import load_roster, person_by_phone
from village.clock import ManualClock
from village.outbox import MessageKind
from village.services import Services

MING_PHONE = "13800000002"  # 张小明 of household 1-01
SECRETARY_PHONE = "13800000009"  # 李书记
LI_ON_WECHAT = "o_li_shuji_000000000000000009"


@dataclass
class BothChannels:
    """The same bot runtime seen from Telegram (`tg`) and from WeChat (`wx`)."""

    tg: Harness
    wx: WechatHarness


@asynccontextmanager
async def running_both(db_url: str, clock: ManualClock, environ: Mapping[str, str]) -> AsyncIterator[BothChannels]:
    api, fake = FakeBotApi(), FakeWechat(clock)
    await api.start()
    await fake.start()
    config = emulator_config(api, db_url, {**wechat_environ(fake), **environ})
    runtime = build_runtime(config, clock=clock)
    async with httpx.AsyncClient() as http:
        wx = WechatHarness(fake, runtime, config, clock, http)
        try:
            await wx._start()
            yield BothChannels(Harness(api, runtime, config, clock), wx)
        finally:
            await runtime.stop()
            await fake.stop()
            await api.stop()


async def start(db_url: str, database: Database, clock: ManualClock, tmp_path: Path,
                **environ: str) -> AsyncIterator[BothChannels]:
    await load_roster(database, clock)
    settings = {"HEMEI_MEDIA__DIR": str(tmp_path / "media"), "HEMEI_QUIET_HOURS__START": "00:00",
                "HEMEI_QUIET_HOURS__END": "00:00", **environ}
    async with running_both(db_url, clock, settings) as both:
        yield both


@pytest.fixture
async def both(db_url: str, database: Database, clock: ManualClock, tmp_path: Path) -> AsyncIterator[BothChannels]:
    """Both channels; messages go where the person last wrote (the default)."""
    async for running in start(db_url, database, clock, tmp_path):
        yield running


@pytest.fixture
async def prefer_telegram(db_url: str, database: Database, clock: ManualClock,
                          tmp_path: Path) -> AsyncIterator[BothChannels]:
    """Both channels, with `[routing] prefer = "telegram"`."""
    async for running in start(db_url, database, clock, tmp_path, HEMEI_ROUTING__PREFER="telegram"):
        yield running


async def join_on_both(both: BothChannels, clock: ManualClock) -> None:
    """张小明 joins on Telegram by phone, then on WeChat by typing the household card's code."""
    await join(both.tg, MING)
    clock.advance(timedelta(minutes=1))
    code = await household_code(both.wx, "1-01")
    await both.wx.sends(both.wx.fake.inputs.subscribe(WANG))
    await both.wx.says(WANG, code)
    await both.wx.says(WANG, "张小明")
    clock.advance(timedelta(minutes=1))


async def notify(both: BothChannels, key: str, text: str) -> None:
    """Queue a village notice for 张小明, as a feature would, and let it go out."""
    person = await person_by_phone(both.wx.runtime.database, MING_PHONE)
    runtime = both.wx.runtime
    async with runtime.database.transaction() as store:
        services = Services(store, runtime.clock, both.wx.config)
        await Notifier(services, runtime.catalogs, "zh_CN").to_person(person.id, key, Reply(text),
                                                                      kind=MessageKind.NOTICE_BROADCAST)
    await runtime.settle()


def on_telegram(both: BothChannels, text: str) -> bool:
    return any(text in m.text for m in both.tg.api.messages_to(MING.id))


def on_wechat(both: BothChannels, text: str) -> bool:
    return any(text in t for t in both.wx.fake.sent_to(WANG))


async def test_joining_on_wechat_with_the_card_adds_a_second_account_to_the_same_person(
        both: BothChannels, clock: ManualClock) -> None:
    await join_on_both(both, clock)

    me_on_wechat = await both.wx.says(WANG, "/me")
    me_on_telegram = await both.tg.tg.user_says(MING, "/me")
    person = await person_by_phone(both.wx.runtime.database, MING_PHONE)
    async with both.wx.runtime.database.transaction() as store:
        accounts = await store.identities.of_person(person.id)

    assert "姓名：张小明" in me_on_wechat.text
    assert "姓名：张小明" in me_on_telegram[-1].text
    assert sorted(a.channel for a in accounts) == ["telegram", "wechat"]


async def test_a_notice_goes_once_to_the_channel_last_used_then_to_the_other_after_writing_there(
        both: BothChannels, clock: ManualClock) -> None:
    await join_on_both(both, clock)  # WeChat was used last

    await notify(both, "n:1", "第一条通知：周六清理河道")
    await both.tg.tg.user_says(MING, "/me")
    clock.advance(timedelta(minutes=1))
    await notify(both, "n:2", "第二条通知：周日开会")

    assert on_wechat(both, "第一条通知")
    assert not on_telegram(both, "第一条通知")
    assert on_telegram(both, "第二条通知")
    assert not on_wechat(both, "第二条通知")


async def test_after_unfollowing_on_wechat_the_notice_goes_to_telegram(both: BothChannels, clock: ManualClock) -> None:
    await join_on_both(both, clock)
    await both.wx.sends(both.wx.fake.inputs.unsubscribe(WANG))

    await notify(both, "n:1", "停水通知：明天上午")

    assert on_telegram(both, "停水通知")
    assert not on_wechat(both, "停水通知")


async def test_blocked_on_telegram_the_notice_goes_to_wechat(
        prefer_telegram: BothChannels, clock: ManualClock) -> None:
    both = prefer_telegram
    await join_on_both(both, clock)
    both.tg.api.blocked.add(MING.id)

    await notify(both, "n:1", "防汛通知：注意安全")

    assert on_wechat(both, "防汛通知")
    assert not on_telegram(both, "防汛通知")


async def test_prefer_telegram_sends_there_though_wechat_was_used_last(
        prefer_telegram: BothChannels, clock: ManualClock) -> None:
    both = prefer_telegram
    await join_on_both(both, clock)  # WeChat was used last

    await notify(both, "n:1", "村里通知：体检")

    assert on_telegram(both, "村里通知")
    assert not on_wechat(both, "村里通知")


async def test_a_cadres_notice_counts_and_reaches_someone_on_both_channels_once(
        both: BothChannels, clock: ManualClock) -> None:
    await join_on_both(both, clock)  # WeChat was used last
    await join(both.tg, SECRETARY)
    await compose(both.tg, text="本周六上午清理河道。", picks=("⬜ 一组",))
    preview = both.tg.tg.replies_to(SECRETARY)[-1].text

    await both.tg.tg.user_taps(SECRETARY, "✅ 发送")
    await both.wx.runtime.settle()
    report = next(m.text for m in both.tg.tg.replies_to(SECRETARY) if "已发送完毕" in m.text)

    assert "共 3 人，其中 1 人用和美" in preview
    assert "实际发出消息 1 条\n已送达：1" in report
    assert [t for t in both.wx.fake.sent_to(WANG) if "清理河道" in t] == ["📢【通知】和美村\n本周六上午清理河道。"]
    assert not on_telegram(both, "清理河道")


async def test_a_notice_wechat_cannot_carry_now_goes_to_telegram_and_the_report_counts_it_there(
        both: BothChannels, database: Database, clock: ManualClock) -> None:
    await join_on_both(both, clock)  # WeChat was used last
    await join(both.tg, SECRETARY)
    clock.advance(timedelta(hours=49))  # 张小明's WeChat window has closed; no subscription or template applies
    await compose(both.tg, text="本周六上午清理河道。", picks=("⬜ 一组",))

    await both.tg.tg.user_taps(SECRETARY, "✅ 发送")
    await both.wx.runtime.settle()
    report = next(m.text for m in both.tg.tg.replies_to(SECRETARY) if "已发送完毕" in m.text)
    async with database.transaction() as store:
        rows = (await store.connection.execute(select(outbox.c.status, outbox.c.route).where(
            outbox.c.kind == MessageKind.NOTICE_BROADCAST.value))).all()

    assert on_telegram(both, "清理河道")
    assert not on_wechat(both, "清理河道")
    assert [tuple(r) for r in rows] == [("sent", "telegram")]
    assert "已送达：1\n屏蔽了和美：0" in report
    assert "暂时联系不上" not in report


async def test_the_monthly_digest_goes_once_to_a_cadre_whose_two_accounts_read_two_languages(
        both: BothChannels, database: Database, clock: ManualClock) -> None:
    await join(both.tg, SECRETARY)
    await both.wx.sends(both.wx.fake.inputs.subscribe(LI_ON_WECHAT))
    secretary = await person_by_phone(database, SECRETARY_PHONE)
    async with database.transaction() as store:
        (on_telegram_account,) = await store.identities.of_person(secretary.id)
        await store.identities.set_locale(on_telegram_account.id, "en")
        on_wechat_account = await store.identities.seen("wechat", LI_ON_WECHAT, chat_ref=LI_ON_WECHAT,
                                                        display_name="", now=clock.now())
        await store.identities.bind(on_wechat_account.id, secretary.id)
    await both.wx.says(LI_ON_WECHAT, "/me")  # WeChat is used last; its window closes in 48 hours
    clock.advance(timedelta(hours=49))

    await both.wx.runtime.scheduler.run("monthly_digest", clock.now())
    await both.wx.runtime.settle()

    on_telegram_digests = [m for m in both.tg.api.messages_to(SECRETARY.id) if "Monthly digest" in m.text]
    on_wechat_digests = [t for t in both.wx.fake.sent_to(LI_ON_WECHAT) if "一月一汇" in t or "Monthly" in t]
    async with database.transaction() as store:
        rows = (await store.connection.execute(select(outbox.c.id).where(
            outbox.c.kind == MessageKind.DIGEST_MONTHLY.value))).all()
    assert len(rows) == 1  # one row for the person, not one per language
    assert len(on_telegram_digests) + len(on_wechat_digests) == 1


async def test_a_head_on_telegram_gets_a_wechat_qr_picture_that_opens_the_family_invite_in_wechat(
        both: BothChannels) -> None:
    await join(both.tg, ALICE)
    await both.tg.tg.user_taps(ALICE, "➕ 更多")
    await both.tg.tg.user_taps(ALICE, "👨‍👩‍👧 亲情代办")

    shown = await both.tg.tg.user_taps(ALICE, "➕ 邀请亲属")
    (picture,) = [m.file for m in shown if m.method == "sendPhoto" and m.file]
    ticket = scanned_url(picture).rsplit("/", 1)[1]
    opened = await both.wx.answer_of(WANG, await both.wx.fake.scans(WANG, ticket))

    assert any("https://t.me/" in m.text for m in shown)  # the Telegram link stays
    assert OPENED in opened.text
