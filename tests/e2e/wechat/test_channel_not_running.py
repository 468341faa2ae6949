"""A message for an account on a channel this deployment does not run (Telegram, after a village moved to WeChat)
follows its person to their WeChat account, or is kept (parked), never dropped."""

from __future__ import annotations

from sqlalchemy import select

from bot.wechat.fake.harness import WechatHarness
from storage.database import Database
from storage.tables import outbox
from tests.e2e.wechat.conftest import WANG, join
from tests.factories import bind_telegram
from village.clock import ManualClock
from village.outbox import MessageKind, NewMessage, Priority

AH_PO = "13800000001"  # 张阿婆 of household 1-01, whom WANG joins as
LIU = "13800000002"  # 张小明, on Telegram only


async def queue_to(wx: WechatHarness, identity_id: int, key: str, text: str) -> None:
    async with wx.runtime.database.transaction() as store:
        await store.outbox.add_many([NewMessage(key, identity_id, {"text": text}, Priority.URGENT,
                                                kind=MessageKind.REPORT_STATUS_CHANGED)], wx.clock.now())
    await wx.runtime.settle()


async def status_of(database: Database, key: str) -> str:
    async with database.transaction() as store:
        return str((await store.connection.execute(select(outbox.c.status).where(outbox.c.key == key))).scalar())


async def test_a_message_for_a_telegram_account_goes_to_the_persons_wechat_when_telegram_is_not_run(
        wx: WechatHarness, database: Database, clock: ManualClock) -> None:
    await join(wx, WANG)
    telegram = await bind_telegram(database, clock, AH_PO, 7001)  # from before the village moved to WeChat

    await queue_to(wx, telegram, "progress:1", "您反映的路灯已修好")

    assert "您反映的路灯已修好" in wx.new_messages(WANG)
    assert await status_of(database, "progress:1") == "sent"


async def test_a_message_for_someone_only_on_telegram_is_kept_when_telegram_is_not_run(
        wx: WechatHarness, database: Database, clock: ManualClock) -> None:
    telegram = await bind_telegram(database, clock, LIU, 7002)

    await queue_to(wx, telegram, "progress:2", "您反映的水管已修好")

    assert await status_of(database, "progress:2") == "parked"  # kept for their return, and the cadres' follow-ups
