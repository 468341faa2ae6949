"""A `hemei run` process serving WeChat only, killed between recording a push and finishing its step:
after the restart the push is handled exactly once, its replies sent once by customer-service message."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bot.processes import BotProcess
from bot.wechat.fake import FakeWechat
from bot.wechat.fake.harness import FAKE_AES_KEY, FAKE_TOKEN
from bot.wechat.fake.pushes import PushAccount
from storage.database import Database
from storage.tables import outbox, wechat_inbound
from tests.factories import load_roster, person_by_phone
from village.clock import SystemClock

OPEN_ID = "o_alice_000000000000000000001"
PHOTO = b"\xff\xd8\xff\xe0-photo-of-rubbish"
POLL_SECONDS = 0.05


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wechat_config(folder: Path, fake: FakeWechat, db_url: str, port: int) -> Path:
    """Write a WeChat-only config (no Telegram token) pointing at the fake."""
    path = folder / "config.toml"
    path.write_text("\n".join([
        "[wechat]", f'app_id = "{fake.app_id}"', f'app_secret = "{fake.app_secret}"', f'token = "{FAKE_TOKEN}"',
        f'encoding_aes_key = "{FAKE_AES_KEY}"', f'base_url = "{fake.base_url}"', 'listen = "127.0.0.1"',
        f"port = {port}",
        "[database]", f'url = "{db_url}"', "[media]", f'dir = "{folder / "media"}"',
        "[quiet_hours]", 'start = "00:00"', 'end = "00:00"', "[logging]", 'level = "INFO"',
    ]), encoding="utf-8")
    return path


@pytest.fixture
async def fake() -> AsyncIterator[FakeWechat]:
    """The fake WeChat on the wall clock: the bot's process checks pushes against its own."""
    wechat = FakeWechat(SystemClock())
    await wechat.start()
    yield wechat
    await wechat.stop()


async def until(condition: Callable[[], Awaitable[bool]], within: float = 30) -> None:
    """Poll another process's effects (there is nothing else to wait on) until `condition()` holds."""
    async def poll() -> None:
        while not await condition():  # noqa: ASYNC110 (another process: no event to await)
            await asyncio.sleep(POLL_SECONDS)
    await asyncio.wait_for(poll(), within)


async def pending_rows(database: Database) -> list[str]:
    async with database.transaction() as store:
        return list((await store.connection.execute(
            select(wechat_inbound.c.status).order_by(wechat_inbound.c.id))).scalars())


async def test_sigkill_mid_step_handles_the_push_once_after_restart(fake: FakeWechat, db_url: str,
                                                                    database: Database, tmp_path: Path) -> None:
    port = free_port()
    bot = BotProcess(wechat_config(tmp_path, fake, db_url, port))
    restarted = BotProcess(bot.log.with_name("config.toml"))
    await bot.prepare()  # both import while the roster loads: the restart costs only the bot's own start
    await restarted.prepare()
    clock = SystemClock()
    await load_roster(database, clock)
    alice = await person_by_phone(database, "13800000001")
    async with database.transaction() as store:
        identity = await store.identities.seen("wechat", OPEN_ID, chat_ref=OPEN_ID, display_name="", now=clock.now())
        await store.identities.bind(identity.id, alice.id)
    await bot.start()
    await bot.wait_for_log("WeChat callback listening")
    async with httpx.AsyncClient(timeout=10) as http:
        fake.connect(http, PushAccount(f"http://127.0.0.1:{port}/wechat", FAKE_TOKEN, fake.app_id, FAKE_AES_KEY))
        await fake.says(OPEN_ID, "📣 我要反映")
        await fake.says(OPEN_ID, "1")
        await fake.says(OPEN_ID, "路边垃圾堆了三天")
        fake.faults.delay("cgi-bin/media/get", 60)  # the step waits on the photo: the kill comes meanwhile
        photo = asyncio.create_task(fake.sends_photo(OPEN_ID, PHOTO))
        await until(lambda: _has_pending(database))

        await bot.kill()
        with pytest.raises(httpx.HTTPError):
            await photo  # WeChat got no answer: it would retry, and the restarted bot has it already
        fake.faults.delay("cgi-bin/media/get", 0)
        await restarted.start()
        try:
            await until(lambda: _all_done(database))
            await until(lambda: _sent(fake, "第 1 张照片收到了"))
        finally:
            await restarted.terminate()

    assert len([t for t in fake.sent_to(OPEN_ID) if "第 1 张照片收到了" in t]) == 1
    async with database.transaction() as store:
        keys = list((await store.connection.execute(select(outbox.c.key))).scalars())
    assert len(keys) == len(set(keys)) == 1


async def _has_pending(database: Database) -> bool:
    return "pending" in await pending_rows(database)


async def _all_done(database: Database) -> bool:
    rows = await pending_rows(database)
    return len(rows) == 4 and set(rows) == {"done"}


async def _sent(fake: FakeWechat, text: str) -> bool:
    return any(text in t for t in fake.sent_to(OPEN_ID))
