"""`hemei demo --channel wechat`: a follower joins by scanning the household card and uses numbered options.

The terminal chat runs in-process on the test roster (the full demo dataset takes ~20 s to build; the
Telegram demo's test already runs the command end to end), and the command's option is checked as parsed.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from bot.cli import build_parser
from bot.cli.demo import local_pages_environ
from bot.demo.wechat_terminal import WechatDemoChat
from bot.wechat.fake.harness import WechatHarness, running_wechat_bot
from storage.database import Database
from tests.consultation import published_meeting
from tests.factories import load_roster
from village.clock import ManualClock

SCRIPT = [":scan", "1", "➕ 更多", "👤 我的信息", "📣 我要反映", "3", ":as 4", ":quit"]


async def test_wechat_demo_joins_by_card_and_answers_numbered_options(wx: WechatHarness) -> None:
    printed: list[str] = []
    chat = WechatDemoChat(wx, printed.append)
    chat.welcome()

    going = [await chat.handle(line) for line in SCRIPT]

    shown = "\n".join(printed)
    assert going == [True] * 7 + [False]
    assert "这是和美村 1-01 户的邀请卡" in shown
    assert "   1. 张阿婆" in shown  # the household's members, numbered
    assert "欢迎您，和美村的张阿婆" in shown
    assert "姓名：张阿婆" in shown
    assert "请说一说是什么问题" in shown  # "3" picked the third category
    assert "▪ 📣 我要反映" in shown  # the menu as a list
    assert "weixin://" not in shown  # links shown as their labels
    assert "--- you are now 李书记 ---" in shown


def test_demo_takes_the_wechat_channel() -> None:
    args = build_parser().parse_args(["demo", "--channel", "wechat"])

    assert args.channel == "wechat"


async def test_the_wechat_demo_gives_a_calendar_file_as_a_link_that_opens_on_this_machine(
        db_url: str, database: Database, clock: ManualClock, tmp_path: Path) -> None:
    await load_roster(database, clock)
    await published_meeting(database, clock)
    environ = {"HEMEI_MEDIA__DIR": str(tmp_path / "media"), **local_pages_environ()}
    printed: list[str] = []
    async with running_wechat_bot(db_url, clock=clock, environ=environ) as wx:
        chat = WechatDemoChat(wx, printed.append)
        for line in (":scan", "1", "🗓 议事活动", "村道修缮议事会", "📅 加入手机日历"):
            await chat.handle(line)
        link = re.search(r"http://127\.0\.0\.1:\d+/pages/f/\S+", "\n".join(printed))
        assert link, printed[-3:]
        async with httpx.AsyncClient() as http:
            page = await http.get(link.group(0))

    assert page.status_code == 200
    assert "meeting-1.ics" in page.text
