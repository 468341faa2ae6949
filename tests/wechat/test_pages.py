"""The pages' links, JS-SDK signature and refusals, over the ASGI app (the browser tests are in test_pages_browser)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.i18n import Catalogs
from bot.wechat.fake import FakeWechat
from bot.wechat.pages.assembly import PageKit, build_pages
from bot.wechat.pages.links import PageLinks, ReminderSettingsLinks
from bot.wechat.pages.tickets import signature
from bot.wechat.settings import WechatSettings
from bot.wechat.tokens import MemoryTokenStore, TokenStore
from tests.wechat.conftest import client_for
from village.clock import ManualClock

PUBLIC = "http://pages.test"
ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


def kit_for(fake: FakeWechat, http: httpx.AsyncClient, clock: ManualClock, root: Path, *,
            tokens: TokenStore | None = None) -> PageKit:
    settings = WechatSettings(app_id=fake.app_id, app_secret=fake.app_secret, token="t", public_base_url=PUBLIC,
                              subscribe_templates=("TPL_MEETING", "TPL_REPORT"))
    tokens = tokens or MemoryTokenStore()
    api = client_for(fake, http, clock, store=tokens).api
    return build_pages(settings, api, tokens, clock, root=root, catalogs=Catalogs.load(), locale="zh_CN")


@pytest.fixture
def kit(fake: FakeWechat, http: httpx.AsyncClient, clock: ManualClock, tmp_path: Path) -> PageKit:
    return kit_for(fake, http, clock, tmp_path / "pages")


@pytest.fixture
async def browser(kit: PageKit) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=kit.pages.mounted())
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC) as client:
        yield client


def local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def open_settings(kit: PageKit, *, times: int) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=kit.pages.mounted()), base_url=PUBLIC) as web:
        for _time in range(times):
            assert (await web.get(local(kit.links.settings()))).status_code == 200


def test_the_signature_matches_wechats_documented_examples() -> None:
    ticket = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg"

    with_query = signature(ticket, "Wm3WZYTPz0wzccnW", 1414587457, "http://mp.weixin.qq.com?params=value")
    bare = signature(ticket, "Wm3WZYTPz0wzccnW", 1414587457, "http://mp.weixin.qq.com#section")

    assert with_query == "0f9de62fce790f9a083d5c99e95740ceb90c27ed"
    assert bare == "f4d90daf4b3bca3078ab155816175ba34c443a7b"


async def test_a_message_link_shows_the_whole_message(kit: PageKit, browser: httpx.AsyncClient) -> None:
    ref = kit.store.put_message("村务通知", "明天上午九点在睦邻四堂间开会，\n请带好身份证。")

    page = await browser.get(local(kit.links.message(ref)))

    assert page.status_code == 200
    assert "明天上午九点在睦邻四堂间开会，\n请带好身份证。" in page.text
    assert page.headers["cache-control"] == "no-store"


async def test_an_expired_link_shows_no_data(kit: PageKit, browser: httpx.AsyncClient, clock: ManualClock) -> None:
    ref = kit.store.put_message("村务通知", "秘密的内容")
    link = local(kit.links.message(ref))
    clock.advance(timedelta(days=15))

    page = await browser.get(link)

    assert page.status_code == 403
    assert "秘密的内容" not in page.text
    assert "已过期" in page.text


@pytest.mark.parametrize("tamper", [
    lambda link: link.split("?")[0],  # unsigned
    lambda link: link.replace("s=", "s=A"),  # forged signature
    lambda link: link.replace("e=", "e=9"),  # a later expiry, under the old signature
    lambda link: link.replace("/m/", "/f/"),  # the signature of another page
])
async def test_a_tampered_link_shows_no_data(kit: PageKit, browser: httpx.AsyncClient, tamper: object) -> None:
    ref = kit.store.put_message("村务通知", "秘密的内容")

    page = await browser.get(tamper(local(kit.links.message(ref))))  # type: ignore[operator]

    assert page.status_code == 403
    assert "秘密的内容" not in page.text


async def test_a_signed_link_to_nothing_is_a_plain_404(kit: PageKit, browser: httpx.AsyncClient) -> None:
    page = await browser.get(local(kit.links.message("A" * 24)))

    assert page.status_code == 404
    assert "不存在" in page.text


async def test_the_download_page_links_to_the_file_until_the_link_expires(kit: PageKit, browser: httpx.AsyncClient,
                                                                          clock: ManualClock) -> None:
    ref = kit.store.put_file("议事会 12月8日.ics", "text/calendar", ICS)
    page = await browser.get(local(kit.links.download(ref)))
    href = page.text.split('id="download" href="')[1].split('"')[0].replace("&amp;", "&")

    got = await browser.get(local(href))
    clock.advance(timedelta(days=15))
    late = await browser.get(local(href))

    assert "议事会 12月8日.ics" in page.text
    assert got.content == ICS
    assert got.headers["content-type"].startswith("text/calendar")
    assert "attachment" in got.headers["content-disposition"]
    assert late.status_code == 403


async def test_the_jsapi_ticket_is_fetched_once_and_kept_across_restarts(
        fake: FakeWechat, http: httpx.AsyncClient, clock: ManualClock, tmp_path: Path) -> None:
    tokens = MemoryTokenStore()  # stands for the database: the same store after a restart
    for _restart in range(2):
        await open_settings(kit_for(fake, http, clock, tmp_path, tokens=tokens), times=2)

    clock.advance(timedelta(hours=2))
    await open_settings(kit_for(fake, http, clock, tmp_path, tokens=tokens), times=1)

    assert fake.world.tickets_issued == 2  # once, then again only when the first expired
    assert f"{fake.app_id}:jsapi" in tokens.saved


@given(path=st.text(min_size=1, max_size=30), junk=st.text(max_size=40))
def test_no_made_up_signature_is_accepted(path: str, junk: str) -> None:
    links = PageLinks(b"k" * 32, PUBLIC, ManualClock(datetime(2026, 1, 1, tzinfo=UTC)), lifetime=timedelta(days=1))

    assert not links.valid("/" + path, {"e": "99999999999", "s": junk})


async def test_a_link_shared_in_wechat_still_opens_and_is_signed_as_the_browser_shows_it(
        kit: PageKit, browser: httpx.AsyncClient, fake: FakeWechat) -> None:
    ref = kit.store.put_message("村务通知", "明天开会")
    shared = "&from=singlemessage&isappinstalled=0"  # what WeChat appends to a link forwarded in a chat

    message = await browser.get(local(kit.links.message(ref)) + shared)
    settings = await browser.get(local(kit.links.settings()) + shared)
    config = json.loads(settings.text.split('id="wx-config">')[1].split("</script>")[0])

    assert "明天开会" in message.text
    assert config["url"] == kit.links.settings() + shared
    assert fake.world.current_ticket is not None
    assert config["signature"] == signature(fake.world.current_ticket, config["nonceStr"], config["timestamp"],
                                            config["url"])


async def test_the_settings_page_says_when_wechat_gives_no_ticket(kit: PageKit, browser: httpx.AsyncClient,
                                                                  fake: FakeWechat) -> None:
    fake.faults.fail("cgi-bin/ticket/getticket", 40164)

    page = await browser.get(local(kit.links.settings()))

    assert page.status_code == 503
    assert "暂时无法订阅，请稍后再试" in page.text
    assert "wx-open-subscribe" not in page.text


async def test_the_settings_page_without_templates_offers_no_subscription(
        fake: FakeWechat, http: httpx.AsyncClient, clock: ManualClock, tmp_path: Path) -> None:
    settings = WechatSettings(app_id=fake.app_id, app_secret=fake.app_secret, token="t", public_base_url=PUBLIC)
    kit = build_pages(settings, client_for(fake, http, clock).api, MemoryTokenStore(), clock, root=tmp_path,
                      catalogs=Catalogs.load(), locale="zh_CN")

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=kit.pages.mounted()), base_url=PUBLIC) as web:
        page = await web.get(local(kit.links.settings()))

    assert "提醒功能尚未开通" in page.text
    assert "wx-open-subscribe" not in page.text


def test_only_a_wechat_account_gets_a_link_to_its_own_reminder_settings() -> None:
    links = PageLinks(b"k" * 32, PUBLIC, ManualClock(datetime(2026, 1, 1, tzinfo=UTC)), lifetime=timedelta(days=1))
    reminders = ReminderSettingsLinks(links)

    on_wechat = reminders.settings_link("wechat", "o_wang_0000000000000000000001")
    on_telegram = reminders.settings_link("telegram", "1001")

    assert on_wechat is not None
    assert urlsplit(on_wechat).path.endswith("/settings/o_wang_0000000000000000000001")
    assert on_telegram is None
