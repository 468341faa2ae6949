"""The WeChat pages in a real headless chromium, served by uvicorn on 127.0.0.1: what a person sees.

Selenium's calls block, so each runs in a thread while the event loop serves the pages and the fake WeChat.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.i18n import Catalogs
from bot.wechat.fake import FakeWechat
from bot.wechat.pages.assembly import PageKit, build_pages
from bot.wechat.pages.tickets import signature
from bot.wechat.serving import LocalServer
from bot.wechat.settings import WechatSettings
from bot.wechat.tokens import MemoryTokenStore
from tests.wechat.conftest import client_for
from village.clock import ManualClock

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None or DRIVER is None,
        reason="needs Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)"),
    pytest.mark.xdist_group("browser"),  # one worker runs them all: one chromium (the module's driver), not two
]

WECHAT_UA = ("Mozilla/5.0 (Linux; Android 13; V2219A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0 "
             "Mobile Safari/537.36 MicroMessenger/8.0.50.2701(0x28003253) NetType/WIFI Language/zh_CN")
ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:议事会\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n".encode()
T = TypeVar("T")


class Later:
    """An ASGI app given its inner app once the server's port, which the links need, is known."""

    app: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.app is not None
        await self.app(scope, receive, send)


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def driver(downloads: Path) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=390,844", f"--user-agent={WECHAT_UA}"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    options.page_load_strategy = "eager"  # the JS-SDK's script is not reachable offline: do not wait for it
    browser = webdriver.Chrome(options=options, service=Service(executable_path=str(DRIVER)))
    browser.set_page_load_timeout(20)
    yield browser
    browser.quit()


@pytest.fixture
async def kit(fake: FakeWechat, clock: ManualClock, tmp_path: Path) -> AsyncIterator[PageKit]:
    later = Later()
    server = LocalServer(later)
    await server.start()
    settings = WechatSettings(app_id=fake.app_id, app_secret=fake.app_secret, token="t",
                              public_base_url=server.url, subscribe_templates=("TPL_MEETING", "TPL_REPORT"))
    async with httpx.AsyncClient(timeout=5) as http:
        tokens = MemoryTokenStore()
        built = build_pages(settings, client_for(fake, http, clock, store=tokens).api, tokens, clock,
                            root=tmp_path / "pages", catalogs=Catalogs.load(), locale="zh_CN")
        later.app = built.pages.mounted()
        yield built
    await server.stop()


async def blocking(call: Callable[..., T], *args: Any) -> T:
    """Run a selenium call in a thread, so the loop goes on serving the page it asks for."""
    return await asyncio.to_thread(call, *args)


async def visible_text(driver: Any, url: str) -> str:
    await blocking(driver.get, url)
    text: str = await blocking(lambda: driver.find_element("tag name", "body").text)
    return text


async def test_a_teaser_opens_the_whole_message_in_large_type(driver: Any, kit: PageKit) -> None:
    ref = kit.store.put_message("村务通知", "本周六上午九点，在睦邻四堂间召开宅基议事会。\n请各户派一人参加。")

    shown = await visible_text(driver, kit.links.message(ref))
    size = await blocking(lambda: driver.find_element("id", "message").value_of_css_property("font-size"))

    assert "村务通知" in shown
    assert "本周六上午九点，在睦邻四堂间召开宅基议事会。\n请各户派一人参加。" in shown
    assert float(size.removesuffix("px")) >= 20


async def test_an_expired_link_shows_no_data(driver: Any, kit: PageKit, clock: ManualClock) -> None:
    ref = kit.store.put_message("村务通知", "本周六上午九点开会")
    link = kit.links.message(ref)
    clock.advance(timedelta(days=15))

    shown = await visible_text(driver, link)

    assert "此链接无效或已过期" in shown
    assert "开会" not in shown
    assert "村务通知" not in shown


async def test_the_download_link_gives_the_file(driver: Any, kit: PageKit, downloads: Path) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    ref = kit.store.put_file("议事会.ics", "text/calendar", ICS)
    shown = await visible_text(driver, kit.links.download(ref))
    saved = downloads / "议事会.ics"

    await blocking(lambda: driver.find_element("id", "download").click())
    await blocking(lambda: WebDriverWait(driver, 15).until(lambda _: saved.is_file() and saved.read_bytes() == ICS))

    assert "议事会.ics" in shown
    assert "下载" in shown
    assert saved.read_bytes() == ICS


async def test_the_settings_page_offers_the_subscribe_tag_with_a_valid_signature(
        driver: Any, kit: PageKit, fake: FakeWechat) -> None:
    shown = await visible_text(driver, kit.links.settings())
    tag = await blocking(lambda: driver.find_element("tag name", "wx-open-subscribe").get_attribute("template"))
    config = json.loads(await blocking(lambda: driver.find_element("id", "wx-config").get_attribute("textContent")))
    address = await blocking(lambda: driver.current_url)

    assert "提醒设置" in shown
    assert "请在微信里打开" not in shown  # inside WeChat: no advice to open it there
    assert tag == "TPL_MEETING,TPL_REPORT"
    assert config["url"] == address
    assert config["appId"] == fake.app_id
    assert fake.world.current_ticket is not None
    assert config["signature"] == signature(fake.world.current_ticket, config["nonceStr"], config["timestamp"],
                                            address)
