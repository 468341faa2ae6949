"""The shared scenarios' fixtures: the bot serving Telegram or WeChat (or both), and a driver for the channel.

Every scenario runs twice (`channel_name` is parametrised): the same steps and assertions, adapters swapped.
A test marked `both_channels` gets both served by one bot, e.g. a notice that reaches people on each.
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

from bot.app import Runtime, build_runtime
from bot.config import load_config
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

CHANNELS = ("telegram", "wechat")
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
    """The bot serving the channel under test (or both), and a driver per channel served."""

    runtime: Runtime
    drivers: dict[str, ChannelDriver]

    @property
    def database(self) -> Database:
        """Return the bot's database."""
        return self.runtime.database

    @property
    def telegram(self) -> TelegramDriver:
        """Return the Telegram driver (the test must be marked `both_channels` or run on Telegram)."""
        driver = self.drivers["telegram"]
        assert isinstance(driver, TelegramDriver)
        return driver

    @property
    def wechat(self) -> WechatDriver:
        """Return the WeChat driver (the test must be marked `both_channels` or run on WeChat)."""
        driver = self.drivers["wechat"]
        assert isinstance(driver, WechatDriver)
        return driver


@asynccontextmanager
async def serving(database_url: str, clock: ManualClock, environ: dict[str, str], *,
                  channels: set[str]) -> AsyncIterator[Village]:
    """Start the Bot API emulator and/or the fake WeChat, and one bot serving them; stop all afterwards.

    A channel not under test is not started: each costs a server and a client's start.
    """
    api = FakeBotApi() if "telegram" in channels else None
    fake = FakeWechat(clock) if "wechat" in channels else None
    settings = {"HEMEI_DATABASE__URL": database_url, **environ}
    for server in (api, fake):
        if server is not None:
            await server.start()
    if fake is not None:
        settings = {**wechat_environ(fake), **settings}
    config = emulator_config(api, database_url, settings) if api is not None else load_config(None, settings)
    runtime = build_runtime(config, clock=clock)
    drivers: dict[str, ChannelDriver] = {}
    async with httpx.AsyncClient() as http:
        try:
            await runtime.start(timed_jobs=False)
            if api is not None:
                drivers["telegram"] = TelegramDriver(Harness(api, runtime, config, clock))
            if fake is not None:
                wx = WechatHarness(fake, runtime, config, clock, http)
                await wx.connect()
                drivers["wechat"] = WechatDriver(wx)
            yield Village(runtime, drivers)
        finally:
            await runtime.stop()
            for server in (fake, api):
                if server is not None:
                    await server.stop()


@pytest.fixture(params=CHANNELS)
def channel_name(request: pytest.FixtureRequest) -> str:
    """Name the channel under test: every scenario runs once on each."""
    return str(request.param)


@pytest.fixture
async def village(request: pytest.FixtureRequest, channel_name: str, scenario_db_url: str, backend: str,
                  clock: ManualClock, tmp_path: Path) -> AsyncIterator[Village]:
    """The bot with the test roster, serving the channel under test (both if the test is so marked)."""
    if backend != "sqlite":
        database = Database.open(scenario_db_url)
        await load_roster(database, clock)
        await database.close()
    channels = set(CHANNELS) if request.node.get_closest_marker("both_channels") else {channel_name}
    environ = {**ENVIRON, "HEMEI_MEDIA__DIR": str(tmp_path / "media")}
    async with serving(scenario_db_url, clock, environ, channels=channels) as served:
        yield served


@pytest.fixture
def channel(village: Village, channel_name: str) -> ChannelDriver:
    """The driver of the channel under test."""
    return village.drivers[channel_name]
