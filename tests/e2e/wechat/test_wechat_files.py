"""Files on WeChat: a Service Account cannot send one, so a signed link to the download page stands for it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.wechat.fake.harness import WechatHarness, running_wechat_bot
from storage.database import Database
from tests.consultation import published_meeting
from tests.e2e.wechat.conftest import WANG, join, number_of
from tests.factories import load_roster
from village.clock import ManualClock

PUBLIC = "https://hemei.example.cn"


@pytest.fixture
async def wx(db_url: str, database: Database, clock: ManualClock, tmp_path: Path) -> AsyncIterator[WechatHarness]:
    """The WeChat bot with its pages public at PUBLIC (served, here, by the callback's local server)."""
    await load_roster(database, clock)
    environ = {"HEMEI_MEDIA__DIR": str(tmp_path / "media"), "HEMEI_WECHAT__PUBLIC_BASE_URL": PUBLIC}
    async with running_wechat_bot(db_url, clock=clock, environ=environ) as h:
        yield h


def local(wx: WechatHarness, link: str) -> str:
    """Return the public link as served on this machine."""
    return link.replace(PUBLIC, wx.endpoint.server_url)


async def calendar_link(wx: WechatHarness, database: Database, clock: ManualClock) -> str:
    await published_meeting(database, clock)
    await join(wx, WANG)
    meetings = await wx.says(WANG, "🗓 议事活动")
    page = await wx.says(WANG, number_of(meetings.text, "村道修缮议事会"))
    sent = await wx.says(WANG, number_of(page.text, "📅 加入手机日历"))
    found = re.search(rf"{re.escape(PUBLIC)}/pages/f/\S+", sent.text)
    assert found, sent.text
    assert "meeting-1.ics" in sent.text
    return found.group(0)


async def test_a_resident_gets_a_link_that_downloads_the_meetings_calendar_file(
        wx: WechatHarness, database: Database, clock: ManualClock) -> None:
    link = await calendar_link(wx, database, clock)

    async with httpx.AsyncClient() as http:
        page = await http.get(local(wx, link))
        href = re.search(r'href="([^"]+/download[^"]*)"', page.text)
        assert href, page.text
        download = await http.get(local(wx, href.group(1).replace("&amp;", "&")))

    assert page.status_code == 200
    assert "meeting-1.ics" in page.text
    assert download.status_code == 200
    assert b"BEGIN:VCALENDAR" in download.content
    assert "SUMMARY:村道修缮议事会" in download.text


async def test_a_tampered_calendar_link_is_refused(wx: WechatHarness, database: Database,
                                                   clock: ManualClock) -> None:
    link = await calendar_link(wx, database, clock)
    signature = link.rsplit("s=", 1)[1]
    tampered = link.replace(f"s={signature}", f"s={signature[::-1]}")

    async with httpx.AsyncClient() as http:
        refused = await http.get(local(wx, tampered))

    assert refused.status_code == 403
    assert "VCALENDAR" not in refused.text
