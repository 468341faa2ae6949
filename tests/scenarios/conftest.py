"""The shared scenarios' fixtures: one bot serving Telegram and WeChat, and a driver for the channel under test.

Every scenario runs twice (`channel` is parametrised): the same steps and assertions, adapters swapped.
The roster is loaded once per session into a template database that each test copies (SQLite).
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bot.app import build_runtime
from bot.emulator.api import FakeBotApi
from bot.emulator.harness import Harness, emulator_config
from bot.wechat.fake import FakeWechat
from bot.wechat.fake.harness import WechatHarness, wechat_environ
from storage.database import Database, sqlite_url
from tests.conftest import START
from tests.factories import load_roster
from tests.scenarios.channels import ChannelDriver, TelegramDriver, Villager, WechatDriver
from village.clock import ManualClock

ALICE = Villager("张阿婆", "13800000001", 1001, "1-01")  # household head in 一组
MING = Villager("张小明", "13800000002", 1002, "1-01")
WANG = Villager("王大伯", "13800000003", 1003, "1-02")  # household head in 一组
ZHAO = Villager("赵阿姨", "13800000004", 1004, "2-01")  # 二组
QIAN = Villager("钱大叔", "13800000005", 1005, "3-01")  # 三组
GRID_WORKER = Villager("孙网格", "13800000006", 1006)  # grid worker of 一网格
SECRETARY = Villager("李书记", "13800000009", 1009)  # cadre of FX01
SUPERVISOR = Villager("吴监督", "13800000011", 1011)

ENVIRON = {"HEMEI_CONSULTATION__SUPPORT_THRESHOLDS__VILLAGE": "2",  # topics reach the cadres at two supports
           "HEMEI_CONSULTATION__SUPPORT_THRESHOLDS__HOMESTEAD": "2"}


@pytest.fixture(scope="session")
def seeded_template(migrated_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a migrated SQLite database with the test roster loaded, once per session."""
    path = tmp_path_factory.mktemp("seeded") / "seeded.db"
    shutil.copy(migrated_template, path)

    async def seed() -> None:
        database = Database.open(sqlite_url(str(path)))
        await load_roster(database, ManualClock(START))
        await database.close()

    asyncio.run(seed())
    return path


@pytest.fixture
def scenario_db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Return a fresh database with the roster: a copy of the seeded template (SQLite)."""
    if backend != "sqlite":  # TEST_BACKEND=postgresql: the roster is loaded per test
        yield request.getfixturevalue("db_url")
        return
    path = tmp_path / "hemei.db"
    shutil.copy(request.getfixturevalue("seeded_template"), path)
    yield sqlite_url(str(path))


@dataclass
class Village:
    """The bot serving both channels, and a driver per channel."""

    telegram: TelegramDriver
    wechat: WechatDriver
    database: Database

    def on(self, name: str) -> ChannelDriver:
        """Return the driver of the channel called `name`."""
        return self.telegram if name == "telegram" else self.wechat


@asynccontextmanager
async def both_channels(database_url: str, clock: ManualClock, environ: dict[str, str]) -> AsyncIterator[Village]:
    """Start the Bot API emulator, the fake WeChat and one bot serving both; stop them afterwards."""
    api, fake = FakeBotApi(), FakeWechat(clock)
    await api.start()
    await fake.start()
    config = emulator_config(api, database_url, {**wechat_environ(fake), **environ})
    runtime = build_runtime(config, clock=clock)
    async with httpx.AsyncClient() as http:
        try:
            await runtime.start(timed_jobs=False)
            wx = WechatHarness(fake, runtime, config, clock, http)
            await wx.connect()
            yield Village(TelegramDriver(Harness(api, runtime, config, clock)), WechatDriver(wx), runtime.database)
        finally:
            await runtime.stop()
            await fake.stop()
            await api.stop()


@pytest.fixture
async def village(scenario_db_url: str, backend: str, clock: ManualClock, tmp_path: Path) -> AsyncIterator[Village]:
    """The bot with the test roster, serving Telegram and WeChat; media kept in the test's folder."""
    if backend != "sqlite":
        database = Database.open(scenario_db_url)
        await load_roster(database, clock)
        await database.close()
    async with both_channels(scenario_db_url, clock, {**ENVIRON, "HEMEI_MEDIA__DIR": str(tmp_path / "media")}) as v:
        yield v


@pytest.fixture(params=["telegram", "wechat"])
def channel(request: pytest.FixtureRequest, village: Village) -> ChannelDriver:
    """The channel under test: every scenario runs once on each."""
    return village.on(request.param)
