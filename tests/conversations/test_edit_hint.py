"""A channel that cannot edit: a broadcast's live progress is skipped, its final report arrives once."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.broadcasts import ProgressReporter
from bot.config import load_config
from bot.i18n import Catalogs
from handlers.engine import Engine
from handlers.events import EventKind
from handlers.replies import Reply, without_edit
from storage.database import Database
from tests.conversations.conftest import Chat
from tests.conversations.test_notices import ALICE_PHONE, SECRETARY_PHONE, compose_to_groups
from village.clock import ManualClock


@dataclass
class NoEditsChannel:
    """Records what a channel without edits would show: each reply as it reads the edit hint."""

    name: str = "test"
    shown: list[str] = field(default_factory=list)

    async def send(self, chat_ref: str, reply: Reply, *, edit_ref: str | None = None) -> None:
        sent = without_edit(reply)
        if sent is not None:
            self.shown.append(str(sent.text))


async def send_notice_to_alice(engine: Engine) -> None:
    alice, cadre = Chat(engine, "1001"), Chat(engine, "9009")
    for chat, phone in ((alice, ALICE_PHONE), (cadre, SECRETARY_PHONE)):
        await chat.says("/start")
        await chat.shares_contact(phone)
    await compose_to_groups(cadre)
    send = next(c.payload for r in cadre.replies for row in r.choices for c in row if c.label == "✅ 发送")
    await cadre.send(EventKind.BUTTON, payload=send, message_ref="77")  # the preview becomes the progress message


async def deliver_everything(database: Database, clock: ManualClock) -> None:
    async with database.transaction() as store:
        for item in await store.outbox.claim(clock.now(), 100):
            await store.outbox.mark_sent(item.id, clock.now())


async def test_live_progress_is_skipped_and_the_final_report_sent_once(engine: Engine, database: Database,
                                                                         clock: ManualClock) -> None:
    await send_notice_to_alice(engine)
    channel = NoEditsChannel()
    reporter = ProgressReporter(database, {channel.name: channel}, clock, load_config(None, {}), Catalogs.load())

    await reporter.report_once()
    while_sending = list(channel.shown)
    await deliver_everything(database, clock)
    left = [await reporter.report_once(), await reporter.report_once()]

    assert while_sending == []
    assert len(channel.shown) == 1
    assert channel.shown[0].startswith("✅ 通知 #1 已发送完毕。")
    assert left == [1, 0]
