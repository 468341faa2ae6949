"""The cadres' follow-up list (待联系) with both channels: nobody an important message missed is forgotten."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from bot.emulator import FakeUser
from bot.emulator.api import FakeBotApi
from bot.emulator.driver import Driver, Sent
from bot.wechat.fake.harness import WechatHarness, running_wechat_bot
from handlers.replies import Reply, to_payload
from storage.database import Database
from tests.e2e.conftest import SECRETARY, join, villager
from tests.e2e.test_notices_compose import compose
from tests.e2e.wechat.conftest import join as join_on_wechat
from tests.factories import load_roster, person_by_phone
from village.clock import ManualClock
from village.outbox import MessageKind, NewMessage

ZHANG = "o_zhang_000000000000000000001"  # 张阿婆 of 1-01, on WeChat
WANG = villager(1003, "Wang", "13800000003")  # 王大伯 of 1-02, on Telegram
ZHAO = villager(1004, "Zhao", "13800000004")  # 赵阿姨, a resident (and group leader)
WU = villager(1011, "Wu", "13800000011")  # 吴监督, of the supervision committee


@asynccontextmanager
async def both_channels(db_url: str, clock: ManualClock, tmp_path: Path,
                        environ: dict[str, str] | None = None) -> AsyncIterator[tuple[WechatHarness, FakeBotApi]]:
    """The bot serving Telegram (the emulator) and WeChat (the fake) at once."""
    api = FakeBotApi()
    await api.start()
    settings = {"HEMEI_TELEGRAM__TOKEN": api.token, "HEMEI_TELEGRAM__BASE_URL": api.base_url,
                "HEMEI_TELEGRAM__BASE_FILE_URL": api.base_file_url, "HEMEI_TELEGRAM__BOT_USERNAME": api.username,
                "HEMEI_TELEGRAM__CHAT_PER_SECOND": "1000", "HEMEI_TELEGRAM__CHAT_BURST": "100",
                "HEMEI_MEDIA__DIR": str(tmp_path / "media"), **(environ or {})}
    try:
        async with running_wechat_bot(db_url, clock=clock, environ=settings) as wx:
            yield wx, api
    finally:
        await api.stop()


@pytest.fixture
async def both(db_url: str, database: Database, clock: ManualClock,
               tmp_path: Path) -> AsyncIterator[tuple[WechatHarness, FakeBotApi]]:
    """Both channels, the test roster loaded."""
    await load_roster(database, clock)
    async with both_channels(db_url, clock, tmp_path) as running:
        yield running


class Bot:
    """Both drivers over one runtime, with the helpers the scenario needs."""

    def __init__(self, wx: WechatHarness, api: FakeBotApi) -> None:
        self.wx, self.api = wx, api
        self.tg = Driver(api, wx.runtime.tracker.wait_for, wx.runtime.settle)

    async def follow_up_list(self, user: FakeUser = SECRETARY) -> list[Sent]:
        """Open ☎️ 待联系 from 🧰 工作台 (as the secretary); return the list's messages."""
        return await self.tg.user_taps(user, "☎️ 待联系")


@pytest.fixture
async def missed(both: tuple[WechatHarness, FakeBotApi], clock: ManualClock) -> Bot:
    """An urgent notice to 一组: 张阿婆 unfollowed (WeChat), 王大伯 blocked the bot (Telegram), 张小明 never joined."""
    bot = Bot(*both)
    for user in (SECRETARY, WANG, ZHAO):
        await join(bot, user)  # type: ignore[arg-type]
    await join_on_wechat(bot.wx, ZHANG, "1-01", "张阿婆")
    clock.advance(timedelta(minutes=1))
    await bot.wx.sends(bot.wx.fake.inputs.unsubscribe(ZHANG))
    bot.api.blocked.add(WANG.id)
    await compose(bot, kind="🚨 紧急", text="台风预警：今晚请勿外出。", picks=("⬜ 一组",))  # type: ignore[arg-type]
    await bot.tg.user_taps(SECRETARY, "✅ 发送")
    await bot.wx.runtime.settle()
    return bot


def texts(messages: list[Sent]) -> str:
    return "\n".join(m.text for m in messages)


async def test_people_an_urgent_notice_missed_on_either_channel_are_on_the_cadres_list(missed: Bot) -> None:
    listed = await missed.follow_up_list()

    assert listed[0].text == "☎️ 有 3 人没有收到重要消息，请打电话或上门告知："
    zhang = next(m for m in listed if "张阿婆" in m.text)
    assert zhang.text.splitlines()[:4] == ["👤 张阿婆（1-01）", "电话：13800000001", "没收到：村务通知",
                                           "原因：在和美上联系不到（已屏蔽或已取消关注）"]
    assert zhang.inline_labels == ["✅ 已联系"]
    wang = next(m for m in listed if "王大伯" in m.text)
    assert "电话：13800000003" in wang.text
    ming = next(m for m in listed if "张小明" in m.text)  # on the roster, never joined: nothing could be queued
    assert "原因：还没有加入和美" in ming.text


async def test_the_monthly_digest_counts_and_names_them(missed: Bot, clock: ManualClock) -> None:
    await missed.wx.runtime.scheduler.run("monthly_digest", clock.now())
    await missed.wx.runtime.settle()

    [digest] = [m.text for m in missed.api.messages_to(SECRETARY.id) if m.text.startswith("📊 一月一汇")]
    assert "▌待联系\n重要消息未送达的人：3 人\n名单前列：" in digest
    assert "张阿婆" in digest
    assert "王大伯" in digest


async def test_a_resident_cannot_open_or_mark_the_list_with_forged_buttons(missed: Bot, database: Database) -> None:
    opened = await missed.tg.user_presses_data(ZHAO, "fu:list")
    zhang = await person_by_phone(database, "13800000001")
    marked = await missed.tg.user_presses_data(ZHAO, f"fu:done:{zhang.id}")

    assert "您没有权限" in opened[0].text
    assert "您没有权限" in marked[0].text
    assert "☎️ 待联系" not in missed.tg.buttons(ZHAO)
    assert "张阿婆" in texts(await missed.follow_up_list())


async def test_a_person_who_follows_again_gets_the_message_and_leaves_the_list(missed: Bot,
                                                                               clock: ManualClock) -> None:
    clock.advance(timedelta(minutes=1))

    back = await missed.wx.sends(missed.wx.fake.inputs.subscribe(ZHANG))
    await missed.wx.runtime.settle()
    listed = await missed.follow_up_list()

    assert any("台风预警" in m for m in [*back.later, *missed.wx.new_messages(ZHANG)])
    assert listed[0].text == "☎️ 有 2 人没有收到重要消息，请打电话或上门告知："
    assert "张阿婆" not in texts(listed)


async def test_marking_a_person_contacted_takes_them_off_and_is_audited(missed: Bot, database: Database) -> None:
    listed = await missed.follow_up_list()
    assert "王大伯" in [m for m in listed if m.inline_labels][-1].text  # the newest button of that label is his

    done = await missed.tg.user_taps(SECRETARY, "✅ 已联系")
    again = await missed.follow_up_list()
    async with database.transaction() as store:
        audit = [e for e in await store.audit.entries(None, None) if e.action == "follow_up.contacted"]

    assert done[0].text == "✅ 已标记为已联系：王大伯。"
    assert "王大伯" not in texts(again)
    assert "张阿婆" in texts(again)
    assert len(audit) == 1
    assert audit[0].actor_label.startswith("person:")


async def test_a_supervisor_sees_the_list_but_cannot_mark_it(missed: Bot, database: Database) -> None:
    await join(missed, WU)  # type: ignore[arg-type]
    zhang = await person_by_phone(database, "13800000001")

    listed = await missed.follow_up_list(WU)
    forged = await missed.tg.user_presses_data(WU, f"fu:done:{zhang.id}")

    assert listed[0].text == "☎️ 有 3 人没有收到重要消息，请打电话或上门告知："
    assert all(m.inline_labels == [] for m in listed[1:])
    assert "您没有权限" in forged[0].text
    assert "张阿婆" in texts(await missed.follow_up_list())


@pytest.fixture
async def patient(db_url: str, database: Database, clock: ManualClock, tmp_path: Path) -> AsyncIterator[Bot]:
    """Both channels, with `[outbox] follow_up_after_hours = 6`."""
    await load_roster(database, clock)
    async with both_channels(db_url, clock, tmp_path, {"HEMEI_OUTBOX__FOLLOW_UP_AFTER_HOURS": "6"}) as running:
        yield Bot(*running)


async def test_a_message_kept_for_a_closed_window_is_listed_after_the_configured_wait(
        patient: Bot, database: Database, clock: ManualClock) -> None:
    bot = patient
    await join(bot, SECRETARY)  # type: ignore[arg-type]
    await join_on_wechat(bot.wx, ZHANG, "1-01", "张阿婆")
    clock.advance(timedelta(hours=49))  # her 48-hour window has closed: WeChat keeps the message for her return
    async with database.transaction() as store:
        identity = await store.identities.seen("wechat", ZHANG, chat_ref=ZHANG, display_name="", now=clock.now())
        # An appeal's outcome: not a monthly formal item, so no mass send can carry it past the closed window.
        outcome = NewMessage(f"appeal:1>i{identity.id}", identity.id, to_payload(Reply("您的申诉有了结果")),
                             kind=MessageKind.APPEAL_DECIDED)
        await store.outbox.add_many([outcome], clock.now())
    await bot.wx.runtime.settle()

    clock.advance(timedelta(hours=5))
    early = await bot.follow_up_list()
    clock.advance(timedelta(hours=1))
    late = await bot.follow_up_list()

    assert early[0].text == "✅ 没有需要联系的人：重要消息都已送达本人。"
    assert "没收到：申诉\n原因：本人很久没有发消息，消息一直没能送出" in texts(late)
